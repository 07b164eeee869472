// Package ridge fits linear readouts y = W x + c in closed form by ridge
// regression (Tikhonov regularisation; Hoerl & Kennard, Technometrics
// 12:55, 1970): W minimises Σ_t ‖y_t − W x_t − c‖² + λ‖W‖²_F, the intercept
// c unpenalised. Features are centred, the normal equations
// (XᵀX + λI) Wᵀ = XᵀY are solved by a Cholesky factorisation (plain Go loops
// in a fixed order, bit-identical natively and under js/wasm), and
// Select picks λ from a grid by the error on a validation split, as reservoir
// computing does for the readouts of echo-state and liquid-state machines
// (Lukoševičius, Neural Networks: Tricks of the Trade, 2012, §4).
//
// Layout: X holds n samples of p features row-major, Y n samples of q
// targets; W is q×p row-major.
package ridge

import (
	"errors"
	"fmt"
	"math"
)

// Readout is a fitted linear map y = W x + C.
type Readout struct {
	P, Q   int
	W      []float64 // q×p
	C      []float64 // q
	Lambda float64
	mse    float64 // validation error, set by Select
}

// Predict sets dst (n×q) = W x + C for every row of x (n×p).
func (r *Readout) Predict(dst, x []float64) {
	n := len(x) / r.P
	if len(x) != n*r.P || len(dst) != n*r.Q {
		panic("ridge: Predict needs x of n×P and dst of n×Q")
	}
	for t := 0; t < n; t++ {
		xt := x[t*r.P : (t+1)*r.P]
		for k := 0; k < r.Q; k++ {
			s := r.C[k]
			w := r.W[k*r.P : (k+1)*r.P]
			for j, v := range xt {
				s += float64(w[j] * v)
			}
			dst[t*r.Q+k] = s
		}
	}
}

// MSE is the mean squared error of r's prediction of y (n×q) from x (n×p),
// averaged over samples and targets.
func (r *Readout) MSE(x, y []float64) float64 {
	pred := make([]float64, len(y))
	r.Predict(pred, x)
	var s float64
	for i, v := range pred {
		d := v - y[i]
		s += float64(d * d)
	}
	return s / float64(len(y))
}

// problem holds the centred Gram matrix and cross-products of a data set.
type problem struct {
	n, p, q int
	mx, my  []float64
	gram    []float64 // XcᵀXc, p×p, lower triangle filled
	cross   []float64 // XcᵀYc, p×q
}

func newProblem(x, y []float64, p, q int) (*problem, error) {
	if p <= 0 || q <= 0 {
		return nil, fmt.Errorf("ridge: need p > 0 features and q > 0 targets, got %d and %d", p, q)
	}
	n := len(x) / p
	if n < 2 || len(x) != n*p || len(y) != n*q {
		return nil, fmt.Errorf("ridge: need n ≥ 2 samples with x of n×%d and y of n×%d, got %d and %d values", p, q, len(x), len(y))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ridge: feature x[%d, %d] = %v is not finite", i/p, i%p, v)
		}
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("ridge: target y[%d, %d] = %v is not finite", i/q, i%q, v)
		}
	}
	pr := &problem{n: n, p: p, q: q, mx: make([]float64, p), my: make([]float64, q)}
	for t := 0; t < n; t++ {
		for j := 0; j < p; j++ {
			pr.mx[j] += x[t*p+j]
		}
		for k := 0; k < q; k++ {
			pr.my[k] += y[t*q+k]
		}
	}
	for j := range pr.mx {
		pr.mx[j] /= float64(n)
	}
	for k := range pr.my {
		pr.my[k] /= float64(n)
	}
	// Plain loops in a fixed order (no BLAS kernels), so that a fit is
	// bit-identical natively and under js/wasm.
	pr.gram, pr.cross = make([]float64, p*p), make([]float64, p*q)
	xc, yc := make([]float64, p), make([]float64, q)
	for t := 0; t < n; t++ {
		for j := 0; j < p; j++ {
			xc[j] = x[t*p+j] - pr.mx[j]
		}
		for k := 0; k < q; k++ {
			yc[k] = y[t*q+k] - pr.my[k]
		}
		for j, a := range xc {
			if a == 0 {
				continue
			}
			row := pr.gram[j*p : j*p+j+1]
			for k, b := range xc[:j+1] {
				row[k] += float64(a * b)
			}
			cr := pr.cross[j*q : (j+1)*q]
			for k, b := range yc {
				cr[k] += float64(a * b)
			}
		}
	}
	return pr, nil
}

// solve factorises XcᵀXc + λI = LLᵀ (Cholesky–Banachiewicz) and solves
// for Wᵀ = (XcᵀXc + λI)⁻¹ XcᵀYc.
func (pr *problem) solve(lambda float64) (*Readout, error) {
	p, q := pr.p, pr.q
	l := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			s := pr.gram[i*p+j]
			if i == j {
				s += lambda
			}
			li, lj := l[i*p:i*p+j], l[j*p:j*p+j]
			for k := range li {
				s -= float64(li[k] * lj[k])
			}
			if i == j {
				if !(s > 0) {
					return nil, fmt.Errorf("ridge: XᵀX + λI is not positive definite at λ = %g (use a larger λ)", lambda)
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	wt := make([]float64, p*q) // p×q
	col := make([]float64, p)
	for k := 0; k < q; k++ {
		for i := 0; i < p; i++ { // L z = b
			s := pr.cross[i*q+k]
			for j := 0; j < i; j++ {
				s -= float64(l[i*p+j] * col[j])
			}
			col[i] = s / l[i*p+i]
		}
		for i := p - 1; i >= 0; i-- { // Lᵀ w = z
			s := col[i]
			for j := i + 1; j < p; j++ {
				s -= float64(l[j*p+i] * col[j])
			}
			col[i] = s / l[i*p+i]
		}
		for i := 0; i < p; i++ {
			wt[i*q+k] = col[i]
		}
	}
	r := &Readout{P: p, Q: q, W: make([]float64, q*p), C: make([]float64, q), Lambda: lambda}
	for k := 0; k < q; k++ {
		c := pr.my[k]
		for j := 0; j < p; j++ {
			w := wt[j*q+k]
			r.W[k*p+j] = w
			c -= float64(w * pr.mx[j])
		}
		r.C[k] = c
	}
	return r, nil
}

// Fit returns the ridge readout of targets y (n×q) on features x (n×p) at
// regulariser lambda ≥ 0.
func Fit(x []float64, p int, y []float64, q int, lambda float64) (*Readout, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("ridge: regulariser λ = %v must be ≥ 0 and finite", lambda)
	}
	pr, err := newProblem(x, y, p, q)
	if err != nil {
		return nil, err
	}
	return pr.solve(lambda)
}

// Select fits one readout per λ in lambdas on the training set (xTrain,
// yTrain), scores each by its mean squared error on the validation set, and
// returns the best readout with the validation error of every λ.
func Select(xTrain, yTrain, xVal, yVal []float64, p, q int, lambdas []float64) (*Readout, []float64, error) {
	if len(lambdas) == 0 {
		return nil, nil, errors.New("ridge: Select needs at least one λ")
	}
	pr, err := newProblem(xTrain, yTrain, p, q)
	if err != nil {
		return nil, nil, err
	}
	if len(xVal) == 0 || len(xVal)%p != 0 || len(yVal) != len(xVal)/p*q {
		return nil, nil, fmt.Errorf("ridge: validation set needs x of n×%d and y of n×%d, got %d and %d values", p, q, len(xVal), len(yVal))
	}
	errs := make([]float64, len(lambdas))
	var best *Readout
	for i, l := range lambdas {
		if !(l >= 0) || math.IsInf(l, 0) {
			return nil, nil, fmt.Errorf("ridge: λ[%d] = %v must be ≥ 0 and finite", i, l)
		}
		r, err := pr.solve(l)
		if err != nil {
			errs[i] = math.Inf(1)
			continue
		}
		errs[i] = r.MSE(xVal, yVal)
		if best == nil || errs[i] < best.mse {
			best = r
			best.mse = errs[i]
		}
	}
	if best == nil {
		return nil, errs, fmt.Errorf("ridge: no λ in %v gave a solvable system", lambdas)
	}
	return best, errs, nil
}
