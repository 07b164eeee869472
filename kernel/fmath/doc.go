// Package fmath provides elementary functions (exp, log, expm1, tanh, sigmoid)
// written in portable Go so that they return bit-identical results on every
// target.
//
// The standard library's math.Exp and math.Log use assembly on amd64 and pure Go
// on js/wasm; the two differ in the last bit for some arguments, which breaks
// cross-target reproducibility of anything built on them (tanh networks,
// Gaussian noise, metrics). Every product here is wrapped in an explicit
// float64 conversion, which the Go specification says prevents fused
// multiply-add, so the results do not change with GOAMD64 either.
//
// The algorithms are the classical ones of Cody & Waite (argument reduction by
// k·ln2 split into a high and a low part) and of the fdlibm library
// (Sun Microsystems, 1993): a rational approximation of exp on
// [-ln2/2, ln2/2] and the series in s = f/(2+f) for log(1+f). Accuracy is below
// one ulp over the normal range; these functions do not promise correct
// rounding, only determinism.
package fmath
