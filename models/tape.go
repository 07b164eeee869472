package models

// Tape records the forward passes of a model over the steps of a training
// window, for a batch of S states a step, so that backpropagation through
// time reuses the forward activations instead of recomputing them and can
// gather the parameter gradient of the whole window in a few large
// matrix–matrix products (Σ_t G_tᵀ Φ_t as one product over T·S rows) rather
// than in one outer product per state and step.
//
// A tape is made for one model and holds the steps 0 … Steps−1. Forward(k,
// …) records step k (overwriting what was recorded there before); Backward(k,
// …) pulls a cotangent back through the recorded step k; Gradient adds the
// parameter cotangents of every Backward since the last Gradient to gtheta
// and starts a new accumulation. Forward of step 0 starts a window: a tape
// may read what it needs of the parameters then, so they must not change
// until the window's last Backward and Gradient (a trainer updates them
// after Gradient, before the next window). Likewise a tape may read a
// step's record until Gradient (the PLRNN tapes defer the weight gradient
// to one product over the recorded rows), so a step is recorded again
// (Forward) only after the Gradient that follows its Backward.
//
// The parameter gradient is defined as the sum that the model's VJP would
// accumulate over the same Backward calls, in their order, starting from a
// zero gradient: a model's own tape gives the same bits as those VJP calls
// (modeltest.Conformance checks it), so switching the trainer to tapes does
// not change results.
type Tape interface {
	// Forward sets dst = F(x, u) for the batch (S rows) and records step k.
	Forward(k int, dst, x, u []float64)
	// Backward sets gx = (∂F/∂x)ᵀ g for the batch recorded as step k and
	// accumulates the step's parameter cotangent Σ_rows (∂F/∂θ)ᵀ g.
	Backward(k int, gx, g []float64)
	// Gradient adds the accumulated parameter cotangent to gtheta and
	// clears the accumulation.
	Gradient(gtheta []float64)
}

// Referencer is a tape that can record a step's inputs by reference rather
// than by copy. After RecordByReference, Forward keeps x and u themselves
// (not copies), so the caller must leave them unchanged until the
// Gradient that ends the window; a trainer whose states stay in its own
// buffers saves a copy of every state.
type Referencer interface {
	RecordByReference()
}

// Taper is a trainable model with a tape of its own (a batched, taped
// forward and backward pass).
type Taper interface {
	NewTape(steps, batch int) Tape
}

// NewTape returns m's own tape for windows of the given number of steps and
// batch size when m is a Taper, and otherwise a generic tape that records the
// inputs of each step and calls m.Step and m.VJP.
func NewTape(m Trainable, steps, batch int) Tape {
	if steps < 1 || batch < 1 {
		panic("models: NewTape needs steps ≥ 1 and batch ≥ 1")
	}
	if tm, ok := m.(Taper); ok {
		return tm.NewTape(steps, batch)
	}
	M, K := m.Dim(), m.InputDim()
	return &genericTape{m: m, sm: batch * M, sk: batch * K,
		x: make([]float64, steps*batch*M), u: make([]float64, steps*batch*K),
		acc: make([]float64, len(m.Params()))}
}

// genericTape records each step's inputs and replays them through VJP.
type genericTape struct {
	m      Trainable
	sm, sk int
	x, u   []float64
	acc    []float64
}

func (g *genericTape) Forward(k int, dst, x, u []float64) {
	copy(g.x[k*g.sm:(k+1)*g.sm], x)
	if g.sk > 0 {
		copy(g.u[k*g.sk:(k+1)*g.sk], u)
	}
	g.m.Step(dst, x, u)
}

func (g *genericTape) Backward(k int, gx, gy []float64) {
	var u []float64
	if g.sk > 0 {
		u = g.u[k*g.sk : (k+1)*g.sk]
	}
	g.m.VJP(gx, g.acc, g.x[k*g.sm:(k+1)*g.sm], u, gy)
}

func (g *genericTape) Gradient(gtheta []float64) {
	for i, v := range g.acc {
		gtheta[i] += v
	}
	clear(g.acc)
}
