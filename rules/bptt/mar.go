package bptt

import "github.com/rnnlab/rnnlab/models"

// MAR adds the manifold-attractor regularization (Schmidt et al., ICLR 2021,
// eq. 5) for the last ⌊ratio·M⌋ latent units R to the gradient g and returns
//
//	λ · Σ_{i∈R} [ (A_ii − 1)² + Σ_j W_ij² + h_i² ],
//
// which pulls those units towards a continuum of marginally stable states
// (a line attractor) able to hold long time scales. The blocks are found by
// name: A, W (or W1 of a shallow PLRNN) and h (or h1).
func MAR(fields []models.Field, theta, g []float64, m int, ratio, lambda float64) float64 {
	nreg := int(ratio * float64(m))
	if nreg == 0 {
		return 0
	}
	fa, okA := models.FieldByName(fields, "A")
	fw, okW := models.FieldByName(fields, "W")
	if !okW {
		fw, okW = models.FieldByName(fields, "W1")
	}
	fh, okH := models.FieldByName(fields, "h")
	if !okH {
		fh, okH = models.FieldByName(fields, "h1")
	}
	if !okA || !okW || !okH {
		return 0
	}
	cols := fw.Shape[1]
	var pen float64
	for i := m - nreg; i < m; i++ {
		a := theta[fa.Offset+i] - 1
		pen += float64(a * a)
		g[fa.Offset+i] += float64(2 * lambda * a)
		for j := 0; j < cols; j++ {
			w := theta[fw.Offset+i*cols+j]
			pen += float64(w * w)
			g[fw.Offset+i*cols+j] += float64(2 * lambda * w)
		}
		h := theta[fh.Offset+i]
		pen += float64(h * h)
		g[fh.Offset+i] += float64(2 * lambda * h)
	}
	return lambda * pen
}
