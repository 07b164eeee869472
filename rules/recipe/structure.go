package recipe

import (
	"math/cmplx"

	"github.com/rnnlab/rnnlab/analysis/cycles"
	"github.com/rnnlab/rnnlab/analysis/fixedpoint"
)

// Structure is a fixed point (Period 1) or a k-cycle of the latent map,
// with its eigenvalues (Floquet multipliers for cycles) sorted by
// decreasing modulus, and its points in latent and observed coordinates.
type Structure struct {
	Period      int
	Stable      bool
	Multipliers []complex128
	Latent      [][]float64
	Observed    [][]float64
}

// MaxModulus is the largest |multiplier| (0 when none is known).
func (s Structure) MaxModulus() float64 {
	if len(s.Multipliers) == 0 {
		return 0
	}
	return cmplx.Abs(s.Multipliers[0])
}

// Structures finds the fixed points and cycles up to maxPeriod of a model.
// Piecewise-linear models (every PLRNN) are searched exactly, region by
// region, as SCYFI does (Eisenmann et al., NeurIPS 2023; analysis/cycles);
// other models (the CT-RNN) by minimising the speed q(z) = ½‖F(z) − z‖²
// from states along the model's own orbit from the observation x0
// (Sussillo & Barak 2013; analysis/fixedpoint), fixed points only.
func Structures(md Model, x0 []float64, maxPeriod int) []Structure {
	n, m := md.Obs.Dims()
	observe := func(z []float64) []float64 {
		x := make([]float64, n)
		md.Obs.Observe(x, z)
		return x
	}
	var out []Structure
	if pl, ok := md.Latent.(cycles.PiecewiseLinear); ok {
		cs, err := cycles.Find(pl, &cycles.Settings{MaxPeriod: maxPeriod, Seed: 1})
		if err != nil {
			return nil
		}
		for _, c := range cs {
			s := Structure{Period: c.Period, Stable: c.Stable, Multipliers: c.Multipliers}
			for _, p := range c.Points {
				s.Latent, s.Observed = append(s.Latent, p), append(s.Observed, observe(p))
			}
			out = append(out, s)
		}
		return out
	}
	const orbit, every = 5000, 50
	_, lat := md.Generate(x0, orbit, true)
	starts := make([][]float64, 0, orbit/every)
	for t := 0; t < orbit; t += every {
		starts = append(starts, lat[t*m:(t+1)*m])
	}
	for _, p := range fixedpoint.OfMap(md.Latent, starts, nil) {
		out = append(out, Structure{Period: 1, Stable: p.Stable, Multipliers: p.Eigenvalues,
			Latent: [][]float64{p.X}, Observed: [][]float64{observe(p.X)}})
	}
	return out
}
