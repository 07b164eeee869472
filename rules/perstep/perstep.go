// Package perstep trains an EtherealRNN (models/ethereal) by per-step
// backpropagation, as the public repository jaded0/memory_encoding does with
// updater "backprop" (hebby.py, train_unified): after every character the
// gradient of that step's loss, the batch mean of the cross-entropies, is
// taken through the step alone — the hidden state that entered it is
// detached — and given to the network's one update rule
// (ethereal.Net.Update).
//
// Gradients (per sequence b, with gy_b = (softmax(y_b) − onehot(target_b))/B):
//
//	i2o:      δ = gy,            ∂L/∂W_o,b = δ ⊗ z,   gz = W_o,bᵀ δ
//	residual: g_{c_L} = gz, g_{c₀} = gz
//	layer l:  δ_l = g_{c_l} ⊙ GELU'(a_l),  ∂L/∂W_l,b = δ_l ⊗ c_{l−1},
//	          g_{c_{l−1}} = W_l,bᵀ δ_l
//	biases:   ∂L/∂β = Σ_b δ_b
//
// Faithful mode (TrainHidden false): with the hidden state detached, i2h's
// output never reaches the loss of the step that computes it, so the code
// never updates i2h. The variant (TrainHidden true) keeps one step of the
// graph: the gradient that reaches the hidden part of c₀ is pulled back
// through the previous step's tanh and i2h, ∂L_t/∂W_h,b = (g_h ⊙ (1 −
// h_{t−1}²)) ⊗ z_{t−1} (backpropagation truncated to one step).
//
// Unlike the code, the gradient is not scaled by plast_clip twice (the code's
// scale_gradients multiplies the masked gradients by plast_clip before the
// update rule multiplies them by the plasticity again); the rule here is the
// same one DFA uses.
package perstep

import (
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

// Rule is per-step backpropagation for one network.
type Rule struct {
	Net    *ethereal.Net
	Update ethereal.UpdateConfig
	gc, gn []float64 // scratch: gradients of c_l and of c_{l−1}
	g0     []float64 // gradient of c₀
}

// New returns per-step backprop for net.
func New(net *ethereal.Net, u ethereal.UpdateConfig) (*Rule, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	c := net.CDim
	return &Rule{Net: net, Update: u, gc: make([]float64, c), gn: make([]float64, c), g0: make([]float64, c)}, nil
}

// Gradients sets every layer's Delta and GBias to the gradient of the last
// step's loss (1/B Σ_b CE_b over the sequences with a target) without
// updating.
func (r *Rule) Gradients(targets []int) {
	n := r.Net
	v, B, c, hd := n.Cfg.Vocab, n.Cfg.Batch, n.CDim, n.Cfg.Hidden
	for _, l := range n.Layers() {
		l.Active = true
		clear(l.GBias)
	}
	n.I2H.Active = r.Update.TrainHidden
	inv := 1 / float64(B)
	for b := 0; b < B; b++ {
		d := n.I2O.Delta[b*v : (b+1)*v]
		if targets[b] < 0 {
			clear(d)
		} else {
			for i := range d {
				d[i] = float64(n.P[b*v+i] * inv)
			}
			d[targets[b]] -= inv
		}
		addBias(n.I2O, d)
		gc := r.gc
		vec.MatTVec(gc, n.I2O.Weights(b), v, c, d)
		g0 := r.g0
		if n.Cfg.Residual && len(n.Plastic) > 0 {
			copy(g0, gc)
		} else {
			clear(g0)
		}
		for k := len(n.Plastic) - 1; k >= 0; k-- {
			l := n.Plastic[k]
			dl := l.Delta[b*c : (b+1)*c]
			a := l.A[b*c : (b+1)*c]
			for i := range dl {
				dl[i] = float64(gc[i] * ethereal.GELUDeriv(a[i]))
			}
			addBias(l, dl)
			vec.MatTVec(r.gn, l.Weights(b), c, c, dl)
			r.gc, r.gn = r.gn, r.gc
			gc = r.gc
		}
		if len(n.Plastic) == 0 {
			copy(g0, gc)
		} else {
			for i := range g0 {
				g0[i] += gc[i]
			}
		}
		if r.Update.TrainHidden {
			dh := n.I2H.Delta[b*hd : (b+1)*hd]
			gh := g0[n.InputDim:]
			hp := n.HPrev[b*hd : (b+1)*hd]
			for i := range dh {
				if n.Cfg.Recurrence {
					dh[i] = float64(gh[i] * (1 - float64(hp[i]*hp[i])))
				} else {
					dh[i] = 0
				}
			}
			addBias(n.I2H, dh)
		}
	}
}

// Learn implements ethereal.Learner: the gradients, then the update.
func (r *Rule) Learn(targets []int) {
	r.Gradients(targets)
	r.Net.Update(r.Update)
}

func addBias(l *ethereal.Layer, d []float64) {
	for i, di := range d {
		l.GBias[i] += di
	}
}
