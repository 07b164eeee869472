package plrnn

import (
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/kernel/vec"
	"github.com/rnnlab/rnnlab/models"
)

// Dendritic is the dendritic PLRNN z' = A⊙z + W φ(z) + h + C u with
// φ_i(z) = Σ_b α_b relu(z_i − H_ib), or its clipped form
// φ_i(z) = Σ_b α_b (relu(z_i − H_ib) − relu(z_i)) (Brenner et al. 2022, eqs. 4, 6).
type Dendritic struct {
	core
	A, W, H, Alpha, Theta, C []float64 // aliases of θ; H is the bias h, Theta the M×B thresholds
	B                        int
	Clipped                  bool

	phi, dphi, tmp     []float64
	offW, offAl, offTh int

	// Threshold tables, rebuilt when α or the thresholds change: per unit i,
	// the bases in increasing order of threshold (ord), the sorted
	// thresholds (sth, rows of stride sthPad: the smallest power of two
	// above B, the rest +Inf, for active's branch-free search), and prefix
	// sums cumA[k] = Σ_{p<k} α_ord[p] and cumAT[k] = Σ_{p<k} α_ord[p]·θ_ord[p]
	// (rows of B+1).
	ord                  []int
	sth, cumA, cumAT     []float64
	sthT                 []float64 // sth transposed, B × M: entry q of every unit (vec.CountBelowT)
	sthPad               int
	nanTheta             bool // a threshold is NaN: active scans instead of searching
	seenAlpha, seenTheta []float64
	sumAlpha             float64
	tablesOK             bool
	kk                   []int32   // active-basis counts of one row
	d0, d1               []float64 // difference arrays of the VJP (M×(B+1))
}

// NewDendritic returns a dendritic PLRNN initialised as in the reference code:
// A, W normalised positive definite, h = 0, α uniform in ±1/√B, thresholds
// uniform in [ThresholdLo, ThresholdHi]. r may be nil for an all-zero θ.
func NewDendritic(cfg Config, r *rng.Rand) *Dendritic {
	checkCfg(cfg, "NewDendritic")
	if cfg.Bases <= 0 {
		panic("plrnn: NewDendritic needs Bases > 0")
	}
	m, k, nb := cfg.M, cfg.K, cfg.Bases
	p := &Dendritic{B: nb, Clipped: cfg.Clipped}
	p.m, p.k = m, k
	b := p.alloc([]models.Field{
		{Name: "A", Shape: []int{m}}, {Name: "W", Shape: []int{m, m}},
		{Name: "h", Shape: []int{m}}, {Name: "alpha", Shape: []int{nb}},
		{Name: "H", Shape: []int{m, nb}}, {Name: "C", Shape: []int{m, k}},
	})
	p.A, p.W, p.H, p.Alpha, p.Theta, p.C = b[0], b[1], b[2], b[3], b[4], b[5]
	p.a, p.h, p.c = p.A, p.H, p.C
	p.offW, p.offAl, p.offTh = p.offs["W"], p.offs["alpha"], p.offs["H"]
	p.phi, p.dphi, p.tmp = make([]float64, m), make([]float64, m), make([]float64, m)
	p.kk = make([]int32, m)
	if r != nil {
		initAW(p.A, p.W, m, r)
		uniformInit(p.Alpha, nb, r)
		lo, hi := cfg.ThresholdLo, cfg.ThresholdHi
		if lo == 0 && hi == 0 {
			lo, hi = -2, 2
		}
		r.FillUniform(p.Theta, lo, hi)
		if k > 0 {
			uniformInit(p.C, k, r)
		}
	}
	return p
}

// prepare rebuilds the threshold tables if α or the thresholds changed
// since the last call (θ is aliased, so the model compares with a copy).
func (p *Dendritic) prepare() {
	if p.tablesOK && equal(p.seenAlpha, p.Alpha) && equal(p.seenTheta, p.Theta) {
		return
	}
	m, nb := p.m, p.B
	if p.ord == nil {
		p.sthPad = 1
		for p.sthPad <= nb {
			p.sthPad *= 2
		}
		p.ord = make([]int, m*nb)
		p.sth = make([]float64, m*p.sthPad)
		p.sthT = make([]float64, nb*m)
		p.cumA, p.cumAT = make([]float64, m*(nb+1)), make([]float64, m*(nb+1))
		p.seenAlpha, p.seenTheta = make([]float64, nb), make([]float64, m*nb)
	}
	copy(p.seenAlpha, p.Alpha)
	copy(p.seenTheta, p.Theta)
	p.sumAlpha = 0
	for _, a := range p.Alpha {
		p.sumAlpha += a
	}
	p.nanTheta = false
	for _, v := range p.Theta {
		if v != v {
			p.nanTheta = true
		}
	}
	for i := 0; i < m; i++ {
		th, ord := p.Theta[i*nb:(i+1)*nb], p.ord[i*nb:(i+1)*nb]
		// Insertion sort by threshold, ties by basis index: deterministic.
		for b := range ord {
			ord[b] = b
		}
		for a := 1; a < nb; a++ {
			for c := a; c > 0 && (th[ord[c]] < th[ord[c-1]] || (th[ord[c]] == th[ord[c-1]] && ord[c] < ord[c-1])); c-- {
				ord[c], ord[c-1] = ord[c-1], ord[c]
			}
		}
		ca, cat, st := p.cumA[i*(nb+1):(i+1)*(nb+1)], p.cumAT[i*(nb+1):(i+1)*(nb+1)], p.sth[i*p.sthPad:(i+1)*p.sthPad]
		for k := nb; k < len(st); k++ {
			st[k] = math.Inf(1)
		}
		ca[0], cat[0] = 0, 0
		for k, b := range ord {
			st[k] = th[b]
			p.sthT[k*m+i] = th[b]
			ca[k+1] = ca[k] + p.Alpha[b]
			cat[k+1] = cat[k] + float64(p.Alpha[b]*th[b])
		}
	}
	p.tablesOK = true
}

// b2i is 1 for true and 0 for false (compiled to a flag-setting
// instruction, without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func equal(a, b []float64) bool {
	for i, v := range a {
		if v != b[i] || v != v {
			return false
		}
	}
	return true
}

// active returns k, the number of bases of unit i whose threshold lies below
// z (those with relu(z − θ) > 0): the length of the run of sorted
// thresholds st[0…k−1] < z. It is a binary search over the row padded with
// +Inf to a power of two P > B, log₂P steps that each compare and add
// without a data-dependent branch (a conditional move), where a scan costs
// a mispredicted branch per unit; the count is the same (the thresholds are
// sorted and the pads never lie below z; a NaN z is below nothing, so 0). A
// NaN threshold would leave the row unsorted, so then the scan defines it.
func (p *Dendritic) active(i int, z float64) int {
	P := p.sthPad
	st := p.sth[i*P : (i+1)*P]
	if p.nanTheta {
		k := 0
		for k < p.B && st[k] < z {
			k++
		}
		return k
	}
	if P == 32 { // B = 16…31, the papers' B = 20: unrolled, no bounds checks
		s := (*[32]float64)(st)
		k := b2i(s[15] < z) << 4
		k += b2i(s[(k+7)&31] < z) << 3
		k += b2i(s[(k+3)&31] < z) << 2
		k += b2i(s[(k+1)&31] < z) << 1
		return k + b2i(s[k&31] < z)
	}
	k := 0
	for h := P >> 1; h > 0; h >>= 1 {
		k += b2i(st[k+h-1] < z) * h
	}
	return k
}

// activeRow sets k[i] = active(i, z[i]) for the units of one row (all M):
// with vector kernels, vec.CountBelowT over the transposed table of sorted
// thresholds, four units at a time (the same count, since the run below z
// of a sorted row is all the entries below it); otherwise the branch-free
// search, inlined (one call per row, not per unit).
func (p *Dendritic) activeRow(k []int32, z []float64) {
	k = k[:len(z)]
	switch {
	case p.nanTheta:
		for i, zi := range z {
			k[i] = int32(p.active(i, zi))
		}
	case vec.Vectorized():
		vec.CountBelowT(k, z, p.sthT, p.m, p.B)
	case p.sthPad == 32:
		sth := p.sth[:len(z)*32]
		for i, zi := range z {
			s := (*[32]float64)(sth[i*32 : i*32+32])
			q := b2i(s[15] < zi) << 4
			q += b2i(s[(q+7)&31] < zi) << 3
			q += b2i(s[(q+3)&31] < zi) << 2
			q += b2i(s[(q+1)&31] < zi) << 1
			k[i] = int32(q + b2i(s[q&31] < zi))
		}
	default:
		for i, zi := range z {
			k[i] = int32(p.active(i, zi))
		}
	}
}

// basis sets phi = φ(z) and, if dphi is not nil, dphi = φ'(z), using
// φ_i(z) = Σ_{θ_ib < z} α_b (z − θ_ib) = z·cumA[k] − cumAT[k]. The tables
// must be prepared.
func (p *Dendritic) basis(phi, dphi, z []float64) {
	nb1 := p.B + 1
	p.activeRow(p.kk, z)
	for i, zi := range z {
		k := int(p.kk[i])
		a := p.cumA[i*nb1+k]
		s := float64(zi*a) - p.cumAT[i*nb1+k]
		d := a
		if p.Clipped && zi > 0 {
			s -= float64(p.sumAlpha * zi)
			d -= p.sumAlpha
		}
		phi[i] = s
		if dphi != nil {
			dphi[i] = d
		}
	}
}

// Step sets dst = A⊙x + W φ(x) + h + C u for every row.
func (p *Dendritic) Step(dst, x, u []float64) {
	n := models.CheckBatch("plrnn", dst, x, u, p.m, p.k)
	m := p.m
	p.prepare()
	for r := 0; r < n; r++ {
		z := x[r*m : (r+1)*m]
		p.basis(p.phi, nil, z)
		d := dst[r*m : (r+1)*m]
		vec.MatVec(d, p.W, m, m, p.phi)
		p.finish(d, z, p.rowU(u, r), d)
	}
}

// Jacobian sets dst = diag(A) + W diag(φ'(x)).
func (p *Dendritic) Jacobian(dst, x, u []float64) {
	m := p.m
	p.prepare()
	p.basis(p.phi, p.dphi, x[:m])
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			dst[i*m+j] = p.W[i*m+j] * p.dphi[j]
		}
		dst[i*m+i] += p.A[i]
	}
}

// VJP sets gx = A⊙g + φ'(x)⊙(Wᵀg) and accumulates the parameter gradients;
// with v = Wᵀg: gα_b += Σ_i v_i (relu(x_i − H_ib) [− relu(x_i)]),
// gH_ib −= v_i α_b 1[x_i > H_ib].
//
// The basis gradients are gathered per call in O(M) per row: unit i with k
// active bases adds v_i and v_i·x_i at sorted position k of two
// difference arrays, whose suffix sums give S0_ip = Σ v_i and
// S1_ip = Σ v_i x_i over the rows where the p-th lowest threshold is active;
// then gα_b += S1 − H_ib·S0 and gH_ib −= α_b·S0.
func (p *Dendritic) VJP(gx, gtheta, x, u, g []float64) {
	n := models.CheckBatch("plrnn", gx, x, u, p.m, p.k)
	m, nb := p.m, p.B
	nb1 := nb + 1
	p.prepare()
	if gtheta != nil {
		p.d0, p.d1 = grow(p.d0, m*nb1), grow(p.d1, m*nb1)
		clear(p.d0)
		clear(p.d1)
	}
	var clip float64 // Σ v_i x_i over units with x_i > 0 (clipped form)
	for r := 0; r < n; r++ {
		z, gr := x[r*m:(r+1)*m], g[r*m:(r+1)*m]
		p.activeRow(p.kk, z)
		for i, zi := range z {
			k := int(p.kk[i])
			a := p.cumA[i*nb1+k]
			s := float64(zi*a) - p.cumAT[i*nb1+k]
			if p.Clipped && zi > 0 {
				s -= float64(p.sumAlpha * zi)
				a -= p.sumAlpha
			}
			p.phi[i], p.dphi[i] = s, a
		}
		vec.MatTVec(p.tmp, p.W, m, m, gr)
		out := gx[r*m : (r+1)*m]
		for i := 0; i < m; i++ {
			out[i] = float64(p.A[i]*gr[i]) + float64(p.dphi[i]*p.tmp[i])
		}
		if gtheta == nil {
			continue
		}
		vec.AddOuter(block(gtheta, p.offW, m*m), gr, p.phi)
		for i, zi := range z {
			v := p.tmp[i]
			j := i*nb1 + int(p.kk[i])
			p.d0[j] += v
			p.d1[j] += float64(v * zi)
			if p.Clipped && zi > 0 {
				clip += float64(v * zi)
			}
		}
		p.backCommon(gtheta, z, p.rowU(u, r), gr)
	}
	if gtheta == nil {
		return
	}
	p.basisGradient(gtheta, clip)
}

// basisGradient adds the α and threshold gradients gathered in the
// difference arrays d0, d1 (and the clipped form's Σ v_i x_i, clip) to gtheta.
func (p *Dendritic) basisGradient(gtheta []float64, clip float64) {
	m, nb := p.m, p.B
	nb1 := nb + 1
	gal, gth := block(gtheta, p.offAl, nb)[:nb], block(gtheta, p.offTh, m*nb)
	theta, alpha, ord := p.Theta[:m*nb], p.Alpha[:nb], p.ord[:m*nb]
	d0, d1 := p.d0[:m*nb1], p.d1[:m*nb1]
	for i := 0; i < m; i++ {
		// All of length nb, so one bounds check of b serves every access.
		th, oi, gti := theta[i*nb:][:nb], ord[i*nb:][:nb], gth[i*nb:][:nb]
		d0i, d1i := d0[i*nb1+1:][:nb], d1[i*nb1+1:][:nb] // d0i[q] = d0 at sorted position q+1
		var s0, s1 float64
		for q := nb - 1; q >= 0; q-- { // position q is active where k > q
			s0 += d0i[q]
			s1 += d1i[q]
			if s0 == 0 && s1 == 0 {
				continue
			}
			b := oi[q]
			gal[b] += s1 - float64(th[b]*s0)
			gti[b] -= float64(alpha[b] * s0)
		}
	}
	if clip != 0 {
		for b := range gal {
			gal[b] -= clip
		}
	}
}

// ProjectGradient zeroes the gradient of W's diagonal.
func (p *Dendritic) ProjectGradient(gtheta []float64) {
	zeroDiag(block(gtheta, p.offW, p.m*p.m), p.m)
}
