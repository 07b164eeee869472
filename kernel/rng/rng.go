// Package rng provides the seeded random source every stochastic part of
// rnnlab draws from. There is no global generator: each consumer takes a *Rand.
//
// The stream is PCG-DXSM (O'Neill 2014; the variant of math/rand/v2), which uses
// only integer arithmetic, so a seed gives the same numbers on every target.
// Normal deviates use the Marsaglia–Bray polar method (Marsaglia & Bray, SIAM
// Review 6, 1964) with the portable logarithm of package fmath, because
// math/rand's ziggurat calls math.Exp, whose last bit differs between amd64 and
// js/wasm.
package rng

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/kernel/fmath"
)

// Rand is a seeded generator of uniform and normal deviates. It is not safe for
// concurrent use; give each goroutine its own (see Split).
type Rand struct {
	pcg     rand.PCG
	r       *rand.Rand
	spare   float64
	hasNext bool
}

// New returns a generator seeded with seed.
func New(seed uint64) *Rand {
	g := &Rand{}
	g.pcg.Seed(seed, seed^0x9e3779b97f4a7c15)
	g.r = rand.New(&g.pcg)
	return g
}

// Uint64 returns a uniformly distributed 64-bit value.
func (g *Rand) Uint64() uint64 { return g.pcg.Uint64() }

// Float64 returns a uniform deviate in [0, 1) with 53 random bits.
func (g *Rand) Float64() float64 { return float64(g.pcg.Uint64()>>11) / (1 << 53) }

// Uniform returns a uniform deviate in [lo, hi).
func (g *Rand) Uniform(lo, hi float64) float64 {
	return lo + float64((hi-lo)*g.Float64())
}

// IntN returns a uniform integer in [0, n). It panics if n ≤ 0.
func (g *Rand) IntN(n int) int { return g.r.IntN(n) }

// Perm returns a uniform random permutation of 0..n−1.
func (g *Rand) Perm(n int) []int { return g.r.Perm(n) }

// Norm returns a standard normal deviate.
func (g *Rand) Norm() float64 {
	if g.hasNext {
		g.hasNext = false
		return g.spare
	}
	for {
		u := 2*g.Float64() - 1
		v := 2*g.Float64() - 1
		s := float64(u*u) + float64(v*v)
		if s >= 1 || s == 0 {
			continue
		}
		f := math.Sqrt(float64(-2*fmath.Log(s)) / s)
		g.spare = float64(v * f)
		g.hasNext = true
		return float64(u * f)
	}
}

// FillNorm fills dst with independent normal deviates of mean 0 and standard
// deviation sd.
func (g *Rand) FillNorm(dst []float64, sd float64) {
	for i := range dst {
		dst[i] = float64(sd * g.Norm())
	}
}

// FillUniform fills dst with independent uniform deviates in [lo, hi).
func (g *Rand) FillUniform(dst []float64, lo, hi float64) {
	for i := range dst {
		dst[i] = g.Uniform(lo, hi)
	}
}

// Split returns a new generator seeded from this one, for handing to another
// consumer whose stream must not depend on how many numbers this one draws later.
func (g *Rand) Split() *Rand { return New(g.Uint64()) }

// MarshalBinary encodes the generator's complete state, so that a resumed
// training run continues the exact stream.
func (g *Rand) MarshalBinary() ([]byte, error) {
	p, err := g.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var tail [9]byte
	binary.LittleEndian.PutUint64(tail[:8], math.Float64bits(g.spare))
	if g.hasNext {
		tail[8] = 1
	}
	return append(p, tail[:]...), nil
}

// UnmarshalBinary restores a state written by MarshalBinary.
func (g *Rand) UnmarshalBinary(b []byte) error {
	if len(b) < 9 {
		return errors.New("rng: state too short")
	}
	n := len(b) - 9
	if err := g.pcg.UnmarshalBinary(b[:n]); err != nil {
		return err
	}
	g.r = rand.New(&g.pcg)
	g.spare = math.Float64frombits(binary.LittleEndian.Uint64(b[n : n+8]))
	g.hasNext = b[n+8] == 1
	return nil
}
