// Package spiking is the "spiking" kind of run (rnnlab spiking; package
// rules/run): a balanced network of leaky integrate-and-fire neurons
// (models/lif) simulated in blocks of a few milliseconds, for the run
// page's live spiking widget (issue 15) and the same run natively.
//
// The network is models/lif's benchmark network (docs/performance.md): N
// neurons, 80 % excitatory, connected with probability p without autapses,
// exponential current synapses (τ_syn = 5 ms), τ_m = 20 ms, θ = 20 mV,
// V_reset = 10 mV, τ_rp = 2 ms, delay 1.5 ms, dt = 0.1 ms, excitatory weight
// J = 0.4 mV·√(100/K) with K = pN the mean in-degree (the balanced scaling
// J ∝ 1/√K of van Vreeswijk & Sompolinsky, Science 274:1724, 1996),
// inhibitory weight −g·J, and a constant drive R·I_ext (mV) into every
// neuron. The connectivity is drawn from rng.New(seed) and the initial
// membrane potentials, uniform in [V_reset, θ), from rng.New(seed + 1), so
// the same seed and settings give the same spikes natively and under
// js/wasm (kernel/fmath, kernel/rng; TestGolden).
//
// A unit (Advance) is unit_ms of simulated time. The trainer keeps the
// spikes of the last window_ms (the scrolling raster and the population
// rates of run.Live) and is a run.Tuner: g and drive change the weights and
// the drive of the running network, whose state (V, I, refractory counts,
// spikes in flight) carries on; p draws the connectivity again from the
// seed under the new probability, the state carrying on; N builds a new
// network from the seed with fresh initial potentials at the current time.
// A checkpoint holds the settings as tuned, so a resumed run continues
// bit for bit (runtest.Conformance).
package spiking
