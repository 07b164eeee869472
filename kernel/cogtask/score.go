package cogtask

import "math"

// Loss returns the task loss of the readout y (R×Trials×Outputs, time-major:
// y[(t·Trials+s)·Outputs+q] for recorded step t and trial s), the fixation
// window's mean squared error plus the response window's, and, when gy is
// non-nil (same layout), adds the loss's gradient with respect to y to it.
func (b *Batch) Loss(y, gy []float64) float64 {
	S, Q := b.Trials, Outputs
	if len(y) != b.Recorded()*S*Q || (gy != nil && len(gy) != len(y)) {
		panic("cogtask: Loss readout length does not match the batch")
	}
	win := func(lo, hi int, target []float64) float64 {
		cnt := float64((hi - lo) * S * Q)
		sum := 0.0
		scale := 2 / cnt
		for t := lo; t < hi; t++ {
			for s := 0; s < S; s++ {
				o := (t*S + s) * Q
				for q := 0; q < Q; q++ {
					d := y[o+q] - target[s*Q+q]
					sum += float64(d * d)
					if gy != nil {
						gy[o+q] += float64(scale * d)
					}
				}
			}
		}
		return sum / cnt
	}
	flo, fhi := b.FixWindow()
	rlo, rhi := b.RespWindow()
	return win(flo, fhi, b.TargetFix) + win(rlo, rhi, b.TargetOut)
}

// Decode returns the population-vector angle of a ring of 32 activities,
// as the reference's construct_ringangle.
func (t *Task) Decode(ring []float64) float64 {
	var sum, ps, pc float64
	for k, v := range ring[:Ring] {
		sum += v
		ps += float64(v * t.sin[k])
		pc += float64(v * t.cos[k])
	}
	d := sum + 1e-5
	return floorMod(math.Atan2(ps/d+1e-5, pc/d+1e-5), 2*math.Pi)
}

// Score is the performance of a readout on a batch.
type Score struct {
	// Perf is the evalA/B/C score in [0, 1]; Res the response-angle
	// accuracy (performanceres).
	Perf, Res float64
}

// Score scores the readout y (layout as Loss) on the batch as evalA/B/C.
func (t *Task) Score(b *Batch, y []float64) Score {
	S, Q := b.Trials, Outputs
	if len(y) != b.Recorded()*S*Q {
		panic("cogtask: Score readout length does not match the batch")
	}
	flo, fhi := b.FixWindow()
	rlo, rhi := b.RespWindow()
	fix1 := 0.0
	for tt := flo; tt < fhi; tt++ {
		for s := 0; s < S; s++ {
			if y[(tt*S+s)*Q] > 0.5 {
				fix1++
			}
		}
	}
	fix1 /= float64((fhi - flo) * S)
	target := make([]float64, S)
	anyNonMatch := false
	for s := 0; s < S; s++ {
		target[s] = t.Decode(b.TargetOut[s*Q+1 : (s+1)*Q])
		if b.TargetOut[s*Q] > 0.5 {
			anyNonMatch = true
		}
	}
	n := float64((rhi - rlo) * S)
	var released, correct, heldNM, releasedM, correctM float64
	for tt := rlo; tt < rhi; tt++ {
		for s := 0; s < S; s++ {
			o := (tt*S + s) * Q
			rel := y[o] < 0.5
			d := floorMod(t.Decode(y[o+1:o+Q])-target[s], 2*math.Pi)
			d = math.Min(d, 2*math.Pi-d)
			ok := d < 0.2*math.Pi
			nm := b.TargetOut[s*Q] > 0.5
			if rel {
				released++
			}
			if ok {
				correct++
			}
			if !(y[o] > 0.5) == !nm { // readout > 0.5 ⇔ non-match
				if nm {
					heldNM++
				} else {
					releasedM++
				}
			}
			if ok && !nm {
				correctM++
			}
		}
	}
	if t.Structure != C || !anyNonMatch {
		w := map[Structure]float64{A: 2.0 / 3, B: 4.0 / 5, C: 5.0 / 6}[t.Structure]
		res := correct / n
		return Score{Perf: float64(fix1*w) + float64(float64(released/n*res)*(1-w)), Res: res}
	}
	// evalC with non-match trials.
	frac := 0.0
	for s := 0; s < S; s++ {
		if b.TargetOut[s*Q] > 0.5 {
			frac++
		}
	}
	frac /= float64(S)
	res := (correctM / n) / (1 - frac)
	if t.Options.Corrected && frac == 1 {
		res = 1
	}
	return Score{Perf: float64(fix1*(5.0/6)) + float64((heldNM/n+float64(releasedM/n*res))*(1.0/6)), Res: res}
}

// Criterion is the reference's success measure of an ensemble: the mean of
// the middle 80 % of the sorted performances, sorted[int(0.1K):int(0.9K)]
// (NaN sorts last, as numpy's sort).
func Criterion(perfs []float64) float64 {
	s := append([]float64(nil), perfs...)
	// insertion sort with NaN last: K is small (≤ a few hundred)
	less := func(a, b float64) bool { return a < b || (!math.IsNaN(a) && math.IsNaN(b)) }
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	K := float64(len(s))
	lo, hi := int(0.1*K), int(0.9*K)
	if hi <= lo {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range s[lo:hi] {
		sum += v
	}
	return sum / float64(hi-lo)
}
