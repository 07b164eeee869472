// Package plastic registers two kinds of run (package rules/run) for the
// plasticity family of issue 14 (docs/plasticity.md):
//
//   - "plastic" (command rnnlab plastic): online learning of a character
//     task by an EtherealRNN with per-sequence fast weights (models/ethereal)
//     or a plain RNN of the same size (one set of weights for the batch,
//     ethereal.Config.Shared), with an updater chosen by name — direct
//     feedback alignment after every character (rules/dfa), per-step
//     backprop (rules/perstep) or BPTT over whole sequences (rules/fastbptt).
//     A unit of the run (Advance) is one batch of sequences. Tasks: key
//     recall (the default), n-resequence, palindromes and windows of a text
//     corpus (kernel/chartask).
//   - "hebbian" (command rnnlab hebbian): differentiable plasticity (Miconi,
//     Clune & Stanley, ICML 2018) or backpropamine (Miconi et al., ICLR 2019)
//     trained by BPTT through the Hebbian trace and Adam on pattern
//     completion (models/hebbian); a unit is one episode.
//
// They are two kinds rather than one because they share nothing but the
// theme: different models, tasks, training units, optimizers and reports.
//
// Everything a run does follows from its section and seeds; checkpoints hold
// the network's whole dynamic state (ethereal.Net.Export, or θ and Adam's
// moments), the random streams and the curves the report plots, so a
// resumed run continues and reports bit for bit (runtest.Conformance).
package plastic
