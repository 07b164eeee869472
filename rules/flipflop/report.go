package flipflop

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/run"
)

// describe says how a network is built, for the table.
func (t *Trainer) describe(name string) string {
	c := t.spec.net(name)
	if name == "ei" {
		return fmt.Sprintf("E/I %d E + %d I, Dale, τ_E 10, τ_I 5, h %g, gain %g, FORCE", c.Units*3/4, c.Units-c.Units*3/4, c.Step, c.Gain)
	}
	return fmt.Sprintf("CT-RNN %d, τ 1, Euler h %g, gain %g, FORCE", c.Units, c.Step, c.Gain)
}

// Evaluate reports the networks analysed so far: the table "flipflop"
// (accuracy, fixed points, memory states), "fixed-points" (every fixed
// point: stability, largest |λ|, readout, memory state) and
// "memory-states" (each of the 8 states: the stable and unstable fixed
// points decoding to it); per network the figures "traces-<net>" (the
// first test steps: input pulses, targets and outputs, one channel above
// the other) and "fixed-points-<net>" (the readout (z1, z2) along the
// first test steps and of each fixed point, labelled by its memory
// state); and "training" (FORCE's squared error per unit).
func (t *Trainer) Evaluate() (*run.Report, error) {
	rep := &run.Report{Kind: Kind, Step: t.step}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	sum := run.Table{Name: "flipflop", Columns: []string{"network", "setup", "test accuracy", "fixed points", "stable",
		"memory states (of 8)", "parameters", "wall s", "note"}}
	fps := run.Table{Name: "fixed-points", Columns: []string{"network", "point", "stable", "max |λ|", "q", "z1", "z2", "z3", "memory state"}}
	mem := run.Table{Name: "memory-states", Columns: []string{"memory state"}}
	states := memoryStates()
	memRows := make([][]string, len(states))
	for i, s := range states {
		memRows[i] = []string{s}
	}
	train := run.Figure{Name: "training", Title: "FORCE training: squared error per unit", XLabel: "unit", YLabel: "MSE", LogY: true}
	var figs []run.Figure
	for _, n := range t.nets {
		r := n.res
		if r == nil {
			sum.Rows = append(sum.Rows, []string{n.name, t.describe(n.name), "", "", "", "", "", strconv.FormatFloat(n.secs, 'f', 1, 64),
				fmt.Sprintf("not analysed yet (%d/%d units)", n.unitsDone, t.units())})
			continue
		}
		mem.Columns = append(mem.Columns, n.name+" stable", n.name+" unstable")
		for i, s := range states {
			var st, un []string
			for k, p := range r.Points {
				if p.State == s {
					if p.Stable {
						st = append(st, strconv.Itoa(k+1))
					} else {
						un = append(un, strconv.Itoa(k+1))
					}
				}
			}
			memRows[i] = append(memRows[i], strings.Join(st, " "), strings.Join(un, " "))
		}
		note := ""
		if r.MemoryStates == 1<<Bits && r.Stable == 1<<Bits {
			note = "one stable fixed point per memory state"
		}
		sum.Rows = append(sum.Rows, []string{n.name, t.describe(n.name), f(r.Accuracy), strconv.Itoa(r.Fixed), strconv.Itoa(r.Stable),
			strconv.Itoa(r.MemoryStates), strconv.Itoa(r.Params), strconv.FormatFloat(n.secs, 'f', 1, 64), note})
		rep.Metrics = append(rep.Metrics, run.Value{Name: n.name + ".accuracy", Value: r.Accuracy},
			run.Value{Name: n.name + ".fixed_points", Value: float64(r.Fixed)}, run.Value{Name: n.name + ".stable", Value: float64(r.Stable)},
			run.Value{Name: n.name + ".memory_states", Value: float64(r.MemoryStates)})
		for k, p := range r.Points {
			st := "unstable"
			if p.Stable {
				st = "stable"
			}
			state := p.State
			if state == "" {
				state = "—"
			}
			fps.Rows = append(fps.Rows, []string{n.name, strconv.Itoa(k + 1), st, f(p.MaxAbsEig), strconv.FormatFloat(p.Q, 'e', 2, 64),
				f(p.Readout[0]), f(p.Readout[1]), f(p.Readout[2]), state})
		}
		figs = append(figs, traces(n.name, r), fixedPointFigure(n.name, r))
		l := run.Line{Label: n.name}
		for k, v := range r.TrainErrors {
			l.X, l.Y = append(l.X, float64(k+1)), append(l.Y, v)
		}
		train.Lines = append(train.Lines, l)
	}
	mem.Rows = memRows
	rep.Tables = []run.Table{sum}
	if len(mem.Columns) > 1 {
		rep.Tables = append(rep.Tables, fps, mem)
	}
	rep.Figures = figs
	if len(train.Lines) > 0 {
		rep.Figures = append(rep.Figures, train)
	}
	rep.Notes = []string{
		"accuracy: fraction of test outputs, from each channel's first pulse on, with the target's sign",
		"fixed points of the closed loop without pulses (analysis/fixedpoint, Levenberg–Marquardt, finite-difference Jacobian); a point decodes to a memory state when its three readouts exceed 0.5 in magnitude; stable: every |λ| < 1",
	}
	return rep, nil
}

// traces is the first test steps of network name: per channel c (from the
// top, offset by 3 per channel) its input pulses, target and output.
func traces(name string, r *netResult) run.Figure {
	fig := run.Figure{Name: "traces-" + name, Title: name + ": test inputs, targets and outputs (channels offset by 3)", XLabel: "step", YLabel: "channel + value"}
	T := len(r.TraceU) / Bits
	for c := 0; c < Bits; c++ {
		off := float64(3 * (Bits - 1 - c))
		for _, s := range []struct {
			label string
			v     []float64
		}{{"input", r.TraceU}, {"target", r.TraceY}, {"output", r.TraceZ}} {
			l := run.Line{Label: fmt.Sprintf("%s %d", s.label, c+1)}
			for k := 0; k < T; k++ {
				l.X, l.Y = append(l.X, float64(k)), append(l.Y, off+s.v[k*Bits+c])
			}
			fig.Lines = append(fig.Lines, l)
		}
	}
	return fig
}

// fixedPointFigure draws, in the plane of the first two readouts, the
// readout along the first test steps and each fixed point as a point of
// its own, labelled by stability and memory state.
func fixedPointFigure(name string, r *netResult) run.Figure {
	fig := run.Figure{Name: "fixed-points-" + name, Title: name + ": fixed points of the closed loop in readout space", XLabel: "z1", YLabel: "z2"}
	traj := run.Line{Label: fmt.Sprintf("test run (first %d steps)", len(r.TraceZ)/Bits)}
	for k := 0; k+2 < len(r.TraceZ); k += Bits {
		traj.X, traj.Y = append(traj.X, r.TraceZ[k]), append(traj.Y, r.TraceZ[k+1])
	}
	fig.Lines = append(fig.Lines, traj)
	for k, p := range r.Points {
		st := "unstable"
		if p.Stable {
			st = "stable"
		}
		label := fmt.Sprintf("%d %s", k+1, st)
		if p.State != "" {
			label += " " + p.State
		}
		fig.Lines = append(fig.Lines, run.Line{Label: label, X: []float64{p.Readout[0]}, Y: []float64{p.Readout[1]}})
	}
	return fig
}
