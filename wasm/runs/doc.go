// Package runs drives any kind of run of the registry (rules/run) for the
// page's run widget (site/run), without browser code: the state a URL hash
// describes (State: the kind, its settings, the view), the run it starts
// (the kind's section at its defaults, or a run file, with the hash's
// settings applied through the kind's flags or as section paths), training
// in whole units under a time budget per frame, evaluation every k units or
// on demand, and the status and report the page posts to its parent.
//
// Training advances in whole units of the kind's Trainer (a BPTT step, a
// block of trials, a round) and never by wall time, and evaluation does not
// change a run's course (the run.Trainer contract), so a driven run reaches
// the same checkpoint bytes after n units as `rnnlab <command>` does with
// the same settings, whatever the frame budgets were (tested natively, and
// under js/wasm by make test-wasm).
//
// Rates: Status.UnitsPerSec is the units the run advanced per second of
// wall-clock time (frames, drawing and evaluation included), measured over
// windows of at least a second of the driver's clock, and 0 while the run
// does not train; TrainUnitsPerSec counts training time alone.
package runs
