package lif

import (
	"github.com/rnnlab/rnnlab/kernel/fmath"
	"github.com/rnnlab/rnnlab/kernel/rng"
)

// connect draws the synapses and stores them as CSR by presynaptic neuron,
// with targets in increasing order within a row.
func (n *Net) connect(r *rng.Rand, dmin, dmax int) {
	N := n.N
	n.RowStart = make([]int, N+1)
	if n.cfg.InDegree > 0 {
		n.connectInDegree(r)
	} else {
		n.connectProb(r)
	}
	if n.cfg.Weights == "rectnormal" {
		n.Weight = make([]float64, len(n.Target))
		for j := 0; j < N; j++ {
			w := n.wE
			if j >= n.NE {
				w = n.wI
			}
			for s := n.RowStart[j]; s < n.RowStart[j+1]; s++ {
				n.Weight[s] = float64(w * max(0, r.Norm()))
			}
		}
	}
	if dmax > dmin {
		n.Delay = make([]uint16, len(n.Target))
		for s := range n.Delay {
			n.Delay[s] = uint16(dmin + r.IntN(dmax-dmin+1))
		}
	}
}

// connectProb connects every ordered pair j → i (i ≠ j) with probability P,
// jumping from one target to the next by a geometric gap
// ⌊ln U / ln(1−p)⌋ (Devroye, Non-Uniform Random Variate Generation, 1986,
// §X.2), so drawing costs O(synapses).
func (n *Net) connectProb(r *rng.Rand) {
	N, p := n.N, n.cfg.P
	var logq float64
	switch {
	case p < 1e-8: // ln(1 − p) by its series: 1 − p rounds towards 1
		logq = -p - p*p/2
	case p < 1:
		logq = fmath.Log(1 - p)
	}
	est := int(float64(N) * float64(N-1) * p * 1.05)
	n.Target = make([]int32, 0, est+16)
	for j := 0; j < N; j++ {
		n.RowStart[j] = len(n.Target)
		pos := -1 // index among the N−1 candidates, i = pos + (pos ≥ j)
		for {
			if p < 1 {
				u := 1 - r.Float64() // (0, 1]
				gap := fmath.Log(u) / logq
				if float64(pos)+1+gap >= float64(N-1) { // compared as floats: a tiny p gives huge gaps
					break
				}
				pos += 1 + int(gap)
			} else {
				pos++
			}
			if pos >= N-1 {
				break
			}
			i := pos
			if i >= j {
				i++
			}
			n.Target = append(n.Target, int32(i))
		}
	}
	n.RowStart[N] = len(n.Target)
}

// connectInDegree gives every neuron round(f_E K) distinct excitatory and
// K − round(f_E K) distinct inhibitory presynaptic neurons, no autapses,
// drawn by rejection, then transposes the lists to rows by presynaptic neuron.
func (n *Net) connectInDegree(r *rng.Rand) {
	N, NE := n.N, n.NE
	kE := n.cfg.inE()
	kI := n.cfg.InDegree - kE
	K := kE + kI
	pre := make([]int32, N*K)
	stamp := make([]int32, N)
	for i := range stamp {
		stamp[i] = -1
	}
	draw := func(dst []int32, i, lo, hi int) {
		for c := 0; c < len(dst); {
			j := lo + r.IntN(hi-lo)
			if j == i || stamp[j] == int32(i) {
				continue
			}
			stamp[j] = int32(i)
			dst[c] = int32(j)
			c++
		}
	}
	for i := 0; i < N; i++ {
		row := pre[i*K : (i+1)*K]
		draw(row[:kE], i, 0, NE)
		draw(row[kE:], i, NE, N)
	}
	count := make([]int, N+1)
	for _, j := range pre {
		count[j+1]++
	}
	for j := 0; j < N; j++ {
		count[j+1] += count[j]
	}
	copy(n.RowStart, count)
	n.Target = make([]int32, len(pre))
	for i := 0; i < N; i++ {
		for _, j := range pre[i*K : (i+1)*K] {
			n.Target[count[j]] = int32(i)
			count[j]++
		}
	}
}
