package tasktrain

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/cogtask"
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/leaky"
)

// The rule-reversal run of Soo, Goudar & Wang (2023; reference
// functions/func_rulereversaltask.py, train and eval, main_rulereversaltask.py
// and main_rulereversaltask_cd.py). A batch of S sequences (the reference:
// 40), each an unrecorded warm-up of int(1/dt) steps with no input, then 5
// task-trials run back to back, each four epochs of int(0.5/dt) steps
// (jittered in training, one integer in [T−J, T+J) per epoch and batch,
// the response included):
//
//	sample    the stimulus one-hot on inputs 0–1
//	response  no input; the readout softmax(W_out[0:2] u) over two choices
//	reward    input 2 ("right") if the argmax of the readout at the
//	          response's last step is the rewarded response, else input 3
//	wait      no input
//
// The network is the leaky network of models/leaky, but every unit receives
// the 4 inputs (W_in is N×4) and every unit is read out (W_out is 4×N, of
// which the reference uses rows 0–1 only; rows 2–3 never get a gradient).
// The feedback is chosen by an argmax, so the gradient treats the choice
// as a constant, but it reaches W_in's columns 2 and 3 through the reward
// epoch's drive. Loss per task-trial, divided by 5 and summed: the
// sparse categorical cross-entropy of the ideal label (Keras, on
// probabilities clipped to [1e-7, 1 − 1e-7], so a saturated step adds
// −ln(1e-7) or ≈ 0 and no gradient) averaged over the response's steps
// [wait, T) and the sequences, with wait = int(0.1/dt); 1e-5·mean|u| over
// the whole response epoch (steps × sequences × units); 1e-5·mean|W̃|.
// Performance (eval, at the fine dt, no jitter, no mixing): the fraction of
// response steps [wait, T) and sequences whose argmax is the ideal label,
// averaged over the 5 task-trials.
//
// Every epoch is one call of the reference's compute_uall: a priming
// evaluation that advances η (and seeds DASC's first skip state), θ-blocks
// restarting at the epoch start, a partial last block never mixed, and
// DASC's skip state s = u + θ·Δu with the Δu of the step before the mix
// (the standard tasks' quirks, docs/cogtask.md). The warm-up mixes too (the
// reference passes skip and ratio to it), outside the gradient.
// Not reproduced: the reference's "type 3" variant (an extra
// u ← βu + (1−β)u_trial-start at each task-trial end).

// rrNet is one rule-reversal network: θ = (W̃ N×N, b N, W_in N×4,
// W_out 4×N), drawn as the reference (W̃ ~ N(0,1)/N, the others N(0,1),
// in that order).
type rrNet struct {
	N               int
	cell            *leaky.Net // f, f′, Dale's signs and T⁻¹ (its own θ is unused)
	theta           []float64
	W, B, Win, Wout []float64
}

func newRRNet(cfg leaky.Config, r *rng.Rand) *rrNet {
	cfg.K, cfg.Q = cogtask.RRInputs, cogtask.RROutputs
	N := cfg.N
	n := &rrNet{N: N, cell: leaky.New(cfg, nil)}
	I, O := cogtask.RRInputs, cogtask.RROutputs
	n.theta = make([]float64, N*N+N+N*I+O*N)
	o := 0
	n.W, o = n.theta[o:o+N*N], o+N*N
	n.B, o = n.theta[o:o+N], o+N
	n.Win, o = n.theta[o:o+N*I], o+N*I
	n.Wout = n.theta[o : o+O*N]
	if r != nil {
		inv := 1 / float64(N)
		for i := range n.W {
			n.W[i] = float64(r.Norm() * inv)
		}
		r.FillNorm(n.B, 1)
		r.FillNorm(n.Win, 1)
		r.FillNorm(n.Wout, 1)
	}
	return n
}

// rrEpoch is one taped epoch of a training pass.
type rrEpoch struct {
	k0, T    int   // first taped step, length
	in       []int // per sequence the input channel driving it, or −1
	dt       float64
	response bool
	tr       int // task-trial
}

// rrWork is one worker's scratch: the tape of a training pass.
type rrWork struct {
	X  []float64 // (steps+1)·S·N states; X[k] enters taped step k, X[k+1] is recorded after it
	P  []float64 // steps·S·N f′(pre)
	P0 []float64 // epochs·S·N f′ of the priming evaluations (DASC)
	ep []rrEpoch
	// nsteps is the number of taped steps so far
	nsteps int
	u      []float64
	eta    []float64
	s      []float64
	du     []float64
	pre    []float64
	fp     []float64
	gu     []float64
	gs     []float64
	gdu    []float64
	gx     []float64
	Weff   []float64
	in     []int
	// onStep, if set, sees every step of an evaluation (task-trial, epoch
	// 0–3, the state after the step).
	onStep func(tr, epoch int, u []float64)
}

// rrPass carries one forward pass's settings.
type rrPass struct {
	n      *rrNet
	b      *cogtask.RRBatch
	tm     cogtask.Timing
	dt     float64
	k      Skipping
	r      *rng.Rand
	taped  bool
	jitter bool
}

// eval computes du and f′ of one batch of states u (S×N) with drive
// channels in (per row, −1 none) into w.du and fp.
func (w *rrWork) deriv(n *rrNet, u, eta []float64, in []int, dt float64, fp []float64) {
	N, S := n.N, len(in)
	I := cogtask.RRInputs
	for r := 0; r < S; r++ {
		x := u[r*N : (r+1)*N]
		for i := 0; i < N; i++ {
			s := 0.0
			for j, wv := range w.Weff[i*N : (i+1)*N] {
				s += float64(wv * x[j])
			}
			s = (s + n.B[i]) + float64(0.1*eta[r*N+i])
			if c := in[r]; c >= 0 {
				s += n.Win[i*I+c]
			}
			v := -x[i] + n.cell.F(s)
			w.du[r*N+i] = float64(float64(n.cell.Tinv[i]*v) * dt)
			if fp != nil {
				fp[r*N+i] = n.cell.DF(s)
			}
		}
	}
}

// epoch runs one compute_uall call of T steps from w.u; taped passes
// record the states and f′ from step w.nsteps on.
func (w *rrWork) epoch(p *rrPass, T int, in []int, ou leaky.OU, record func(t int, u []float64)) {
	n, k := p.n, p.k
	N, S := n.N, len(in)
	mix := k.mixing()
	SN := S * N
	var fp0 []float64
	if p.taped {
		e := len(w.ep)
		w.ep = append(w.ep, rrEpoch{k0: w.steps(), T: T, in: append(w.ep[e : e+1][0].in[:0], in...), dt: p.dt})
		fp0 = w.P0[e*SN : (e+1)*SN]
	}
	// the priming evaluation: advances η, seeds DASC's skip state
	if mix && k.DASC {
		w.deriv(n, w.u, w.eta, in, p.dt, fp0)
		for i := range w.s {
			w.s[i] = w.u[i] + float64(float64(k.Theta)*w.du[i])
		}
	} else if mix {
		copy(w.s, w.u)
	}
	ou.Advance(w.eta, p.r)
	for t := 0; t < T; t++ {
		var fp []float64
		if p.taped {
			k0 := w.steps()
			copy(w.X[k0*S*N:(k0+1)*S*N], w.u)
			fp = w.P[k0*S*N : (k0+1)*S*N]
			w.nsteps++
		}
		w.deriv(n, w.u, w.eta, in, p.dt, fp)
		ou.Advance(w.eta, p.r)
		for i, d := range w.du {
			w.u[i] += d
		}
		if mix && t%k.Theta == k.Theta-1 {
			b, c := k.Beta, 1-k.Beta
			for i := range w.u {
				w.u[i] = float64(b*w.u[i]) + float64(c*w.s[i])
			}
			if k.DASC {
				for i := range w.s {
					w.s[i] = w.u[i] + float64(float64(k.Theta)*w.du[i])
				}
			} else {
				copy(w.s, w.u)
			}
		}
		if p.taped {
			copy(w.X[w.steps()*S*N:(w.steps()+1)*S*N], w.u)
		}
		if record != nil {
			record(t, w.u)
		}
	}
}

func (w *rrWork) steps() int { return w.nsteps }

// rrEpochs is the number of taped epochs of a pass (4 per task-trial).
const rrEpochs = 4 * cogtask.RRTaskTrials

// rrLengths is the longest pass in steps (taped part) at timing tm.
func rrLengths(tm cogtask.Timing) int {
	return cogtask.RRTaskTrials * 4 * (tm.Short + tm.Jitter)
}

// prepare sizes the scratch for S sequences of n at timing tm.
func (w *rrWork) prepare(n *rrNet, S int, tm cogtask.Timing, taped bool) {
	N := n.N
	SN := S * N
	w.u, w.eta, w.s, w.du = grow(w.u, SN), grow(w.eta, SN), grow(w.s, SN), grow(w.du, SN)
	w.gu, w.gs, w.gdu, w.gx = grow(w.gu, SN), grow(w.gs, SN), grow(w.gdu, SN), grow(w.gx, SN)
	w.Weff = grow(w.Weff, N*N)
	if cap(w.in) < S {
		w.in = make([]int, S)
	}
	w.in = w.in[:S]
	if taped {
		L := rrLengths(tm)
		w.X = grow(w.X, (L+1)*SN)
		w.P = grow(w.P, L*SN)
		w.P0 = grow(w.P0, rrEpochs*SN)
		if cap(w.ep) < rrEpochs {
			w.ep = make([]rrEpoch, rrEpochs)
		}
	}
	w.ep, w.nsteps = w.ep[:0], 0
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			w.Weff[i*N+j] = n.cell.Weight(n.W[i*N+j], j)
		}
	}
}

// rrChoice is the argmax of softmax(W_out[0:2] u) for one state row: 0 on a
// tie (TensorFlow's argmax takes the first).
func rrLogits(n *rrNet, x []float64) (z0, z1 float64) {
	N := n.N
	for j, v := range x {
		z0 += float64(n.Wout[j] * v)
		z1 += float64(n.Wout[N+j] * v)
	}
	return
}

// rrClip is Keras's ε: probabilities are clipped to [ε, 1 − ε].
const rrClip = 1e-7

// run makes one pass over batch b: training (taped, jittered, with loss) or
// evaluation. It returns the loss (training) or the performance.
func (w *rrWork) run(p *rrPass) float64 {
	n, b, tm := p.n, p.b, p.tm
	N, S := n.N, b.S
	w.prepare(n, S, tm, p.taped)
	clear(w.u)
	ou := leaky.NewOU(p.dt, n.cell.Tau)
	ou.Start(w.eta, p.r)
	none := w.in
	for j := range none {
		none[j] = -1
	}
	// warm-up: not taped
	taped := p.taped
	p.taped = false
	w.epoch(p, tm.Long, none, ou, nil)
	p.taped = taped
	length := func() int {
		if !p.jitter || tm.Jitter == 0 {
			return tm.Short
		}
		return tm.Short - tm.Jitter + p.r.IntN(2*tm.Jitter)
	}
	loss, perf := 0.0, 0.0
	in := make([]int, S)
	for tr := 0; tr < cogtask.RRTaskTrials; tr++ {
		for j := 0; j < S; j++ {
			in[j] = b.Stim[tr*S+j]
		}
		w.epoch(p, length(), in, ou, w.observer(tr, 0))
		// response
		T2 := length()
		ce, absU := 0.0, 0.0
		correct := 0
		choice := make([]int, S)
		record := func(t int, u []float64) {
			if w.onStep != nil {
				w.onStep(tr, 1, u)
			}
			for _, v := range u {
				absU += math.Abs(v)
			}
			for j := 0; j < S; j++ {
				z0, z1 := rrLogits(n, u[j*N:(j+1)*N])
				c := 0
				if z1 > z0 {
					c = 1
				}
				choice[j] = c
				if t < tm.Wait {
					continue
				}
				y := b.Ideal[tr*S+j]
				if c == y {
					correct++
				}
				if p.taped {
					ce += rrCE(z0, z1, y)
				}
			}
		}
		w.epoch(p, T2, none, ou, record)
		if p.taped {
			w.ep[len(w.ep)-1].response, w.ep[len(w.ep)-1].tr = true, tr
			loss += ce / float64((T2-tm.Wait)*S) / cogtask.RRTaskTrials
			loss += float64(ActivityPenalty*(absU/float64(T2*S*N))) / cogtask.RRTaskTrials
		}
		perf += float64(correct) / float64((T2-tm.Wait)*S) / cogtask.RRTaskTrials
		// reward: "right" if the last step's choice is the rewarded response
		for j := 0; j < S; j++ {
			in[j] = 3
			if choice[j] == b.Target[tr*S+j] {
				in[j] = 2
			}
		}
		w.epoch(p, length(), in, ou, w.observer(tr, 2))
		w.epoch(p, length(), none, ou, w.observer(tr, 3))
	}
	if !p.taped {
		return perf
	}
	absW := 0.0
	for _, v := range n.W {
		absW += math.Abs(v)
	}
	for tr := 0; tr < cogtask.RRTaskTrials; tr++ {
		loss += float64(WeightPenalty*(absW/float64(N*N))) / cogtask.RRTaskTrials
	}
	return loss
}

func (w *rrWork) observer(tr, epoch int) func(int, []float64) {
	if w.onStep == nil {
		return nil
	}
	return func(_ int, u []float64) { w.onStep(tr, epoch, u) }
}

// rrCE is the Keras sparse categorical cross-entropy of label y under
// softmax(z0, z1) with the probabilities clipped to [1e-7, 1 − 1e-7].
func rrCE(z0, z1 float64, y int) float64 {
	py := fmath.Sigmoid(z0 - z1)
	if y == 1 {
		py = fmath.Sigmoid(z1 - z0)
	}
	py = min(max(py, rrClip), 1-rrClip)
	return -fmath.Log(py)
}

// rrCEGrad is d rrCE/d(z0, z1): p − onehot(y), zero where the clip holds.
func rrCEGrad(z0, z1 float64, y int) (g0, g1 float64) {
	p1 := fmath.Sigmoid(z1 - z0)
	py := p1
	if y == 0 {
		py = 1 - p1
	}
	if py < rrClip || py > 1-rrClip {
		return 0, 0
	}
	if y == 1 {
		return 1 - p1, p1 - 1
	}
	return -p1, p1
}

// backward adds the gradient of the last taped pass's loss to g (θ's
// layout), given the batch b and timing tm it ran with.
func (w *rrWork) backward(n *rrNet, b *cogtask.RRBatch, tm cogtask.Timing, k Skipping, g []float64) {
	N, S := n.N, b.S
	SN := S * N
	I := cogtask.RRInputs
	gW, gb := g[:N*N], g[N*N:N*N+N]
	gWin, gWout := g[N*N+N:N*N+N+N*I], g[N*N+N+N*I:]
	mix := k.mixing()
	gu, gs := w.gu, w.gs
	clear(gu)
	// the weight penalty: 1e-5·mean|W̃| (TensorFlow's sign(0) = 0)
	for i, v := range n.W {
		switch {
		case v > 0:
			gW[i] += WeightPenalty / float64(N*N)
		case v < 0:
			gW[i] -= WeightPenalty / float64(N*N)
		}
	}
	// step backward through state x with f′ fp and cotangent gdu of du;
	// adds −c·gdu + W_effᵀ(c f′ gdu) to gx and the parameter gradients.
	stepBack := func(x, fp []float64, in []int, dt float64, gdu, gx []float64) {
		for r := 0; r < S; r++ {
			xr := x[r*N : (r+1)*N]
			gxr := gx[r*N : (r+1)*N]
			for i := 0; i < N; i++ {
				c := float64(n.cell.Tinv[i] * dt)
				gd := gdu[r*N+i]
				gxr[i] -= float64(c * gd)
				ga := float64(float64(c*fp[r*N+i]) * gd)
				if ga == 0 {
					continue
				}
				gb[i] += ga
				if ch := in[r]; ch >= 0 {
					gWin[i*I+ch] += ga
				}
				wr := w.Weff[i*N : (i+1)*N]
				gwr := gW[i*N : (i+1)*N]
				for j := 0; j < N; j++ {
					gxr[j] += float64(ga * wr[j])
					gwr[j] += n.cell.WeightGrad(float64(ga*xr[j]), n.W[i*N+j], j)
				}
			}
		}
	}
	for e := len(w.ep) - 1; e >= 0; e-- {
		ep := &w.ep[e]
		clear(gs)
		for t := ep.T - 1; t >= 0; t-- {
			kk := ep.k0 + t
			x := w.X[kk*SN : (kk+1)*SN]
			post := w.X[(kk+1)*SN : (kk+2)*SN]
			if ep.response {
				T2 := ep.T
				cu := ActivityPenalty / float64(T2*SN) / cogtask.RRTaskTrials
				for i, v := range post {
					switch {
					case v > 0:
						gu[i] += cu
					case v < 0:
						gu[i] -= cu
					}
				}
				if t >= tm.Wait {
					cz := 1 / float64((T2-tm.Wait)*S) / cogtask.RRTaskTrials
					for j := 0; j < S; j++ {
						pr := post[j*N : (j+1)*N]
						z0, z1 := rrLogits(n, pr)
						g0, g1 := rrCEGrad(z0, z1, b.Ideal[ep.tr*S+j])
						g0, g1 = float64(g0*cz), float64(g1*cz)
						if g0 == 0 && g1 == 0 {
							continue
						}
						gur := gu[j*N : (j+1)*N]
						for q, v := range pr {
							gWout[q] += float64(g0 * v)
							gWout[N+q] += float64(g1 * v)
							gur[q] += float64(g0*n.Wout[q]) + float64(g1*n.Wout[N+q])
						}
					}
				}
			}
			gdu := w.gdu
			clear(gdu)
			if mix && t%k.Theta == k.Theta-1 {
				// s' = u'' (+ θ·du with DASC); u'' = β u' + (1−β) s
				th := float64(k.Theta)
				for i := range gu {
					gu[i] += gs[i]
					if k.DASC {
						gdu[i] = float64(th * gs[i])
					}
					gs[i] = float64((1 - k.Beta) * gu[i])
					gu[i] = float64(k.Beta * gu[i])
				}
			}
			// u' = x + du(x)
			for i := range gdu {
				gdu[i] += gu[i]
			}
			copy(w.gx, gu)
			stepBack(x, w.P[kk*SN:(kk+1)*SN], ep.in, ep.dt, gdu, w.gx)
			copy(gu, w.gx)
		}
		if mix {
			// the skip state at the epoch start: s = x0 (+ θ·du_p with DASC)
			x0 := w.X[ep.k0*SN : (ep.k0+1)*SN]
			for i := range gu {
				gu[i] += gs[i]
			}
			if k.DASC {
				th := float64(k.Theta)
				for i := range gs {
					w.gdu[i] = float64(th * gs[i])
				}
				copy(w.gx, gu)
				stepBack(x0, w.P0[e*SN:(e+1)*SN], ep.in, ep.dt, w.gdu, w.gx)
				copy(gu, w.gx)
			}
		}
	}
}
