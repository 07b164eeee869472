// Package dfa trains an EtherealRNN (models/ethereal) by direct feedback
// alignment after every character (Nøkland, NeurIPS 2016, as the public
// repository jaded0/memory_encoding implements it in HebbianLinear.
// populate_dfa_gradients and hebby.py's train_unified):
//
//	e_b = softmax(y_b) − onehot(target_b)        per sample, no 1/B
//	δ_b = e_b B_l                                 plastic layers (B_l fixed, V×Out)
//	δ_b = e_b                                     i2o
//	ΔW_b ∝ δ_b ⊗ x_b,  gβ = mean_b δ_b
//
// then the network's one update rule (ethereal.Net.Update). The feedback
// matrices are drawn once, B_l ~ N(0, 2/(V+Out)) (PyTorch's xavier_normal_
// on a V×Out tensor). As in the code, the error is not multiplied by the
// layer's GELU derivative.
//
// Faithful mode (TrainHidden false): i2h is never updated, as in the code, so
// the fast weights of i2h stay zero and the hidden state is the constant
// tanh(β_h): the network's memory is in the plastic layers' fast weights
// alone. The variant (TrainHidden true) gives i2h its own feedback matrix and
// sends step t's error to the hidden state that entered step t:
// δ_b = e_b B_h, ΔW_h,b ∝ δ_b ⊗ z_b(t−1).
//
// With Normalize on, the code also divides the feedback matrices by their
// L2 norm (+1e-6) after every update (they are parameters of the layer);
// Rule does the same.
package dfa

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

// Rule is DFA for one network.
type Rule struct {
	Net    *ethereal.Net
	Update ethereal.UpdateConfig
	// Feedback[k] is the V×Out feedback matrix of Net.Plastic[k];
	// FeedbackHidden that of i2h (TrainHidden only).
	Feedback       [][]float64
	FeedbackHidden []float64
	e              []float64
}

// New returns DFA for net, drawing the feedback matrices from seed.
func New(net *ethereal.Net, u ethereal.UpdateConfig, seed uint64) (*Rule, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	r := rng.New(seed)
	v := net.Cfg.Vocab
	rule := &Rule{Net: net, Update: u, e: make([]float64, v)}
	for _, l := range net.Plastic {
		b := make([]float64, v*l.Out)
		r.FillNorm(b, math.Sqrt(2/float64(v+l.Out)))
		rule.Feedback = append(rule.Feedback, b)
	}
	if u.TrainHidden {
		rule.FeedbackHidden = make([]float64, v*net.I2H.Out)
		r.FillNorm(rule.FeedbackHidden, math.Sqrt(2/float64(v+net.I2H.Out)))
	}
	return rule, nil
}

// Learn implements ethereal.Learner.
func (r *Rule) Learn(targets []int) {
	n := r.Net
	v := n.Cfg.Vocab
	B := n.Cfg.Batch
	active := 0
	for _, t := range targets {
		if t >= 0 {
			active++
		}
	}
	layers := n.Layers()
	for _, l := range layers {
		l.Active = false
		clear(l.GBias)
	}
	if active == 0 {
		n.Update(r.Update)
		return
	}
	n.I2O.Active = true
	for _, l := range n.Plastic {
		l.Active = true
	}
	n.I2H.Active = r.Update.TrainHidden
	inv := 1 / float64(B)
	for b := 0; b < B; b++ {
		e := r.e
		if targets[b] < 0 {
			clear(e)
		} else {
			copy(e, n.P[b*v:(b+1)*v])
			e[targets[b]] -= 1
		}
		setDelta(n.I2O, b, e, nil, v, inv)
		for k, l := range n.Plastic {
			setDelta(l, b, e, r.Feedback[k], v, inv)
		}
		if r.Update.TrainHidden {
			setDelta(n.I2H, b, e, r.FeedbackHidden, v, inv)
		}
	}
	n.Update(r.Update)
	if r.Update.Normalize {
		for _, f := range r.Feedback {
			normalize(f)
		}
		if f := r.FeedbackHidden; f != nil {
			normalize(f)
		}
	}
}

// setDelta sets row b of l.Delta to e Bᶠ (e itself when fb is nil) and adds
// inv·δ to l.GBias (the batch mean).
func setDelta(l *ethereal.Layer, b int, e, fb []float64, v int, inv float64) {
	d := l.Delta[b*l.Out : (b+1)*l.Out]
	if fb == nil {
		copy(d, e)
	} else {
		vec.MatTVec(d, fb, v, l.Out, e)
	}
	for i, di := range d {
		l.GBias[i] += float64(di * inv)
	}
}

func normalize(x []float64) {
	s := 1 / (math.Sqrt(vec.Dot(x, x)) + 1e-6)
	for k := range x {
		x[k] = float64(x[k] * s)
	}
}
