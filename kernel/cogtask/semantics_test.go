package cogtask

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// ringOf returns modality m's ring (32) and its peak of trial s's input row.
func ringOf(in []float64, s, m int) ([]float64, float64) {
	r := in[s*Inputs+1+(m-1)*Ring : s*Inputs+1+m*Ring]
	p := 0.0
	for _, v := range r {
		p = math.Max(p, v)
	}
	return r, p
}

func angDist(a, b float64) float64 {
	d := floorMod(a-b, 2*math.Pi)
	return math.Min(d, 2*math.Pi-d)
}

// The answers of the task families, trial by trial: anti points away from
// the stimulus; the dm tasks answer the stronger stimulus of the relevant
// modality (ctxdlydm2: modality 2, whatever modality 1 shows); rtgo shows
// its stimulus only in the response epoch.
func TestAnswers(t *testing.T) {
	const S = 40
	anti, _ := New("anti", 0.01, Options{})
	b := anti.Generate(rng.New(1), S, false)
	for s := 0; s < S; s++ {
		r1, p1 := ringOf(b.Input[1], s, 1)
		r2, _ := ringOf(b.Input[1], s, 2)
		stim := r1
		if p1 == 0 {
			stim = r2
		}
		if d := angDist(anti.Decode(b.TargetOut[s*Outputs+1:(s+1)*Outputs]), anti.Decode(stim)); math.Abs(d-math.Pi) > 0.01 {
			t.Fatalf("anti trial %d: target %v from the stimulus, want π", s, d)
		}
	}
	for _, name := range []string{"dlydm1", "ctxdlydm2"} {
		task, _ := New(name, 0.01, Options{})
		m := int(name[len(name)-1] - '0')
		b := task.Generate(rng.New(2), S, false)
		for s := 0; s < S; s++ {
			r1, p1 := ringOf(b.Input[1], s, m) // stimulus 1 (epoch 1)
			r2, p2 := ringOf(b.Input[3], s, m) // stimulus 2 (epoch 3)
			want := task.Decode(r1)
			if p2 > p1 {
				want = task.Decode(r2)
			}
			if d := angDist(task.Decode(b.TargetOut[s*Outputs+1:(s+1)*Outputs]), want); d > 0.01 {
				t.Fatalf("%s trial %d: target %v from the stronger stimulus", name, s, d)
			}
		}
	}
	rt, _ := New("rtgo", 0.01, Options{})
	b = rt.Generate(rng.New(3), S, false)
	for s := 0; s < S; s++ {
		_, pStim := ringOf(b.Input[1], s, 1)
		_, pStim2 := ringOf(b.Input[1], s, 2)
		_, pResp := ringOf(b.Input[2], s, 1)
		_, pResp2 := ringOf(b.Input[2], s, 2)
		if pStim+pStim2 != 0 || pResp+pResp2 == 0 || b.Input[2][s*Inputs] != 1 {
			t.Fatalf("rtgo trial %d: stimulus %v/%v in the stimulus epoch, %v/%v in the response, fixation %v",
				s, pStim, pStim2, pResp, pResp2, b.Input[2][s*Inputs])
		}
	}
}
