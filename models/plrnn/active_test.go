package plrnn

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// TestActiveMatchesScan checks the branch-free search of active and
// activeRow against the definition, the run of sorted thresholds below z
// found by a scan, for every B from 1 to 40 (the unrolled P = 32 form and
// the general loop), with tied thresholds, z on a threshold, ±Inf and NaN,
// and with a NaN threshold (where the scan itself is used).
func TestActiveMatchesScan(t *testing.T) {
	r := rng.New(3)
	scan := func(p *Dendritic, i int, z float64) int {
		st := p.sth[i*p.sthPad : i*p.sthPad+p.B]
		k := 0
		for k < len(st) && st[k] < z {
			k++
		}
		return k
	}
	for nb := 1; nb <= 40; nb++ {
		for _, nanTheta := range []bool{false, true} {
			const m = 6
			p := NewDendritic(Config{M: m, Bases: nb}, r)
			for i := range p.Theta {
				p.Theta[i] = math.Round(4*p.Theta[i]) / 4 // ties
			}
			if nanTheta {
				p.Theta[nb/2] = math.NaN()
			}
			p.prepare()
			if p.nanTheta != nanTheta {
				t.Fatalf("B=%d: nanTheta = %v", nb, p.nanTheta)
			}
			zs := []float64{math.Inf(-1), math.Inf(1), math.NaN(), 0, math.Copysign(0, -1)}
			for j := 0; j < 60; j++ {
				zs = append(zs, math.Round(12*r.Uniform(-3, 3))/12)
			}
			zs = append(zs, p.Theta...)
			row := make([]float64, m)
			k := make([]int32, m)
			for _, z := range zs {
				for i := 0; i < m; i++ {
					if got, want := p.active(i, z), scan(p, i, z); got != want {
						t.Fatalf("B=%d unit %d z=%v: active %d, scan %d", nb, i, z, got, want)
					}
					row[i] = z
				}
				p.activeRow(k, row)
				for i := range k {
					if want := scan(p, i, z); int(k[i]) != want {
						t.Fatalf("B=%d unit %d z=%v: activeRow %d, scan %d", nb, i, z, k[i], want)
					}
				}
			}
		}
	}
}
