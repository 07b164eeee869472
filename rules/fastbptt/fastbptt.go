// Package fastbptt trains an EtherealRNN (models/ethereal) by
// backpropagation through time over whole sequences, as the public
// repository jaded0/memory_encoding does with updater "bptt" (hebby.py,
// train_unified): the fast weights stay fixed while a batch of sequences
// runs, the loss is the batch mean of each sequence's summed per-character
// cross-entropies, and at the end one plain SGD step is taken:
//
//	w ← w (1 − f)                       forgetting, masked entries
//	w ← w − lr · s ⊙ ∂L/∂w              s = plast_clip on the masked entries
//	                                     of the plastic layers and i2h, 1 elsewhere
//	β ← β − lr · ∂L/∂β
//
// (upstream's apply_forget_step, scale_gradients and its manual SGD step; no
// clamp, no normalisation). The gradient runs through the hidden state
// across the whole sequence, so i2h is trained.
//
// Backward pass, per sequence b, from the last step (g_h = 0 after it):
//
//	gy_t = (softmax(y_t) − onehot)/B
//	i2o:  δ = gy_t,                      G_o += δ ⊗ z_t,   gz = W_oᵀ δ
//	i2h:  δ = g_h ⊙ (1 − h_{t+1}²),      G_h += δ ⊗ z_t,   gz += W_hᵀ δ
//	residual, GELU layers as in rules/perstep, giving g_{c₀}
//	g_h = the hidden part of g_{c₀}      (the gradient of h_t)
package fastbptt

import (
	"fmt"

	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models/ethereal"
)

// Config sets the SGD step.
type Config struct {
	LR        float64 `json:"learning_rate"` // learning rate (upstream's default 0.005; the paper 1e-4)
	PlastClip float64 `json:"plast_clip"`    // scale of the masked entries' gradients (the network's PlastClip when 0)
}

// Rule is sequence BPTT for one network.
type Rule struct {
	Net *ethereal.Net
	Cfg Config
	// G holds ∂L/∂W for every layer (as its Fast) and GB ∂L/∂β, after
	// EndSequence.
	G, GB [][]float64
	// Loss is the last batch's L.
	Loss float64

	steps   int
	rec     []record // per step
	targets [][]int
	gc, gn  []float64
	g0, gh  []float64
	gz      []float64
	dh, dl  []float64
}

// record is what the backward pass needs of one step.
type record struct {
	x, a [][]float64 // per layer
	h    []float64   // the step's new hidden state (B×H)
	p    []float64
	ch   []int
}

// New returns sequence BPTT for net.
func New(net *ethereal.Net, cfg Config) (*Rule, error) {
	if !(cfg.LR > 0) {
		return nil, fmt.Errorf("fastbptt: learning_rate = %v, want > 0", cfg.LR)
	}
	if cfg.PlastClip == 0 {
		cfg.PlastClip = net.Cfg.PlastClip
	}
	r := &Rule{Net: net, Cfg: cfg}
	for _, l := range net.Layers() {
		r.G = append(r.G, make([]float64, len(l.Fast)))
		r.GB = append(r.GB, make([]float64, len(l.Bias)))
	}
	c := net.CDim
	r.gc, r.gn, r.g0, r.gz = make([]float64, c), make([]float64, c), make([]float64, c), make([]float64, c)
	r.gh = make([]float64, net.Cfg.Hidden)
	r.dh, r.dl = make([]float64, net.Cfg.Hidden), make([]float64, c)
	return r, nil
}

// Learn implements ethereal.Learner: it records the step.
func (r *Rule) Learn(targets []int) {
	n := r.Net
	if r.steps == len(r.rec) {
		rec := record{h: make([]float64, len(n.H)), p: make([]float64, len(n.P)), ch: make([]int, len(n.Chars))}
		for _, l := range n.Layers() {
			rec.x = append(rec.x, make([]float64, len(l.X)))
			rec.a = append(rec.a, make([]float64, len(l.A)))
		}
		r.rec = append(r.rec, rec)
		r.targets = append(r.targets, make([]int, len(targets)))
	}
	rec := &r.rec[r.steps]
	for k, l := range n.Layers() {
		copy(rec.x[k], l.X)
		copy(rec.a[k], l.A)
	}
	copy(rec.h, n.H)
	copy(rec.p, n.P)
	copy(rec.ch, n.Chars)
	copy(r.targets[r.steps], targets)
	r.steps++
}

// EndSequence implements ethereal.SequenceEnder: the gradients, then the
// update.
func (r *Rule) EndSequence() {
	r.Gradients()
	r.apply()
	r.steps = 0
}

// Gradients computes G, GB and Loss from the recorded steps without
// updating (the recording is kept).
func (r *Rule) Gradients() {
	n := r.Net
	layers := n.Layers()
	iH, iO := len(layers)-2, len(layers)-1
	for k := range r.G {
		clear(r.G[k])
		clear(r.GB[k])
	}
	v, B, c, hd := n.Cfg.Vocab, n.Cfg.Batch, n.CDim, n.Cfg.Hidden
	inv := 1 / float64(B)
	r.Loss = 0
	gy := make([]float64, v) // once per batch of sequences
	for b := 0; b < B; b++ {
		clear(r.gh)
		for t := r.steps - 1; t >= 0; t-- {
			rec := &r.rec[t]
			if rec.ch[b] < 0 {
				continue
			}
			tg := r.targets[t][b]
			z := rec.x[iO][b*c : (b+1)*c]
			clear(r.gz)
			if tg >= 0 {
				p := rec.p[b*v : (b+1)*v]
				r.Loss -= inv * logOf(p[tg])
				for i := range gy {
					gy[i] = float64(p[i] * inv)
				}
				gy[tg] -= inv
				addOuter(r.G[iO], r.GB[iO], layers[iO], b, gy, z)
				vec.MatTVec(r.gz, layers[iO].Weights(b), v, c, gy)
			}
			if n.Cfg.Recurrence {
				h := rec.h[b*hd : (b+1)*hd]
				dh := r.dh
				nz := false
				for i := range dh {
					dh[i] = float64(r.gh[i] * (1 - float64(h[i]*h[i])))
					nz = nz || dh[i] != 0
				}
				if nz {
					addOuter(r.G[iH], r.GB[iH], layers[iH], b, dh, z)
					vec.MatTVec(r.gn, layers[iH].Weights(b), hd, c, dh)
					for i := range r.gz {
						r.gz[i] += r.gn[i]
					}
				}
			}
			gc := r.gc
			copy(gc, r.gz)
			g0 := r.g0
			if n.Cfg.Residual && len(n.Plastic) > 0 {
				copy(g0, r.gz)
			} else {
				clear(g0)
			}
			for k := len(n.Plastic) - 1; k >= 0; k-- {
				l := n.Plastic[k]
				a := rec.a[k][b*c : (b+1)*c]
				d := r.dl
				for i := range d {
					d[i] = float64(gc[i] * ethereal.GELUDeriv(a[i]))
				}
				addOuter(r.G[k], r.GB[k], l, b, d, rec.x[k][b*c:(b+1)*c])
				vec.MatTVec(r.gn, l.Weights(b), c, c, d)
				copy(gc, r.gn)
			}
			if len(n.Plastic) == 0 {
				copy(g0, gc)
			} else {
				for i := range g0 {
					g0[i] += gc[i]
				}
			}
			copy(r.gh, g0[n.InputDim:])
		}
	}
}

// addOuter adds sequence b's δ ⊗ x to its weight set's gradient (the one
// set of a Shared network gathers every sequence's, in batch order).
func addOuter(G, GB []float64, l *ethereal.Layer, b int, d, x []float64) {
	m := l.Out * l.In
	if l.Sets == 1 {
		b = 0
	}
	vec.AddOuter(G[b*m:(b+1)*m], d, x[:l.In])
	for i, di := range d {
		GB[i] += di
	}
}

// apply is the SGD step with forgetting and the masked gradients scaled.
func (r *Rule) apply() {
	n := r.Net
	lr, s := r.Cfg.LR, r.Cfg.PlastClip
	for k, l := range n.Layers() {
		keep := 1 - l.ForgetMasked
		G := r.G[k]
		m := l.Out * l.In
		sc := s
		if l.Last {
			sc = 1
		}
		for set := 0; set < l.Sets; set++ {
			w, g := l.Fast[set*m:(set+1)*m], G[set*m:(set+1)*m]
			if l.Sets == 1 && l.Batch > 1 {
				// A plain RNN's step is the mean of the sequences' steps (G
				// holds their sum).
				scaleBy(g, 1/float64(l.Batch))
			}
			for e, masked := range l.Mask {
				if masked {
					w[e] = float64(w[e]*keep) - float64(lr*float64(sc*g[e]))
				} else {
					w[e] -= float64(lr * g[e])
				}
			}
		}
		for i, g := range r.GB[k] {
			l.Bias[i] -= float64(lr * g)
		}
	}
}

func scaleBy(x []float64, s float64) {
	for k := range x {
		x[k] = float64(x[k] * s)
	}
}

func logOf(p float64) float64 { return fmath.Log(p) }
