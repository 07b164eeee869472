package hebbian

import "fmt"

// Tape runs whole episodes of one network (batch 1, from h = 0, Hebb = 0)
// and their backpropagation through time through the trace, with every
// buffer allocated once by NewTape: the states h_t ((T+1)·M values) and
// traces Hebb_t ((T+1)·M² values: 0.86 GB for Miconi's 1 001 units and 106
// steps) of the forward pass, and the cotangent of the trace (M², updated in
// place going back). An episode allocates nothing.
//
// Its forward steps are Net.Step's and its backward steps Net.VJP's (the
// same row kernels), without VJP's recomputation of h' (read from the tape),
// and the parameters' terms that need only ga_t, h_t and Hebb_t summed in
// one pass after the backward steps (in the same order), so Loss gives the
// bits of EpisodeLoss.
type Tape struct {
	net       *Net
	T         int
	hs, Hs    []float64
	G, gh, gn []float64
	ga        []float64 // T×M: ga_t of the backward steps, for accumulateParams
}

// NewTape allocates the tape of episodes of steps steps of n.
func NewTape(n *Net, steps int) *Tape {
	if steps < 1 {
		panic(fmt.Sprintf("hebbian: NewTape steps = %d, want ≥ 1", steps))
	}
	M := n.M
	return &Tape{net: n, T: steps, hs: make([]float64, (steps+1)*M), Hs: make([]float64, (steps+1)*M*M),
		G: make([]float64, M*M), gh: make([]float64, M), gn: make([]float64, M), ga: make([]float64, steps*M)}
}

// Bytes is the memory the tape holds.
func (tp *Tape) Bytes() int {
	return 8 * (len(tp.hs) + len(tp.Hs) + len(tp.G) + len(tp.gh) + len(tp.gn) + len(tp.ga))
}

// Loss runs the episode's inputs (T × InputDim, row-major), returns the mean
// squared error of the first len(target) units of the last h against target
// and, unless gtheta is nil, adds its gradient (BPTT through the trace) to
// gtheta.
func (tp *Tape) Loss(inputs, target, gtheta []float64) float64 {
	n, T, M := tp.net, tp.T, tp.net.M
	K := n.InputDim()
	if len(inputs) != T*K || len(target) > M {
		panic(fmt.Sprintf("hebbian: Tape.Loss inputs %d (want %d×%d), target %d (want ≤ %d)", len(inputs), T, K, len(target), M))
	}
	in := func(t int) []float64 { return inputs[t*K : (t+1)*K] }
	h := func(t int) []float64 { return tp.hs[t*M : (t+1)*M] }
	H := func(t int) []float64 { return tp.Hs[t*M*M : (t+1)*M*M] }
	clear(h(0))
	clear(H(0))
	for t := 0; t < T; t++ {
		n.forward(h(t+1), H(t+1), h(t), H(t), in(t))
	}
	last := h(T)
	var loss float64
	inv := 1 / float64(len(target))
	clear(tp.gn)
	for i, v := range target {
		e := last[i] - v
		loss += float64(e * e)
		tp.gn[i] = float64(2 * e * inv)
	}
	if gtheta == nil {
		return loss * inv
	}
	clear(tp.G)
	for t := T - 1; t >= 0; t-- {
		n.backward(tp.gh, tp.G, gtheta, h(t), H(t), h(t+1), in(t), tp.gn, tp.G, tp.ga[t*M:(t+1)*M])
		tp.gh, tp.gn = tp.gn, tp.gh
	}
	n.accumulateParams(gtheta, tp.ga, tp.hs, tp.Hs, inputs, T)
	return loss * inv
}

// Output is h at the end of the last episode (it aliases the tape).
func (tp *Tape) Output() []float64 { return tp.hs[tp.T*tp.net.M:] }

// Trace is Hebb at the end of the last episode, M×M row-major (it aliases
// the tape).
func (tp *Tape) Trace() []float64 { return tp.Hs[tp.T*tp.net.M*tp.net.M:] }
