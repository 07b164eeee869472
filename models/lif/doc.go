// Package lif simulates a sparse network of leaky integrate-and-fire neurons
// with current-based exponential (or delta) synapses, transmission delays and
// a refractory period, integrated exactly over each time step.
//
// Model (units: ms and mV; the membrane resistance is absorbed into the
// currents, so a current is written as the voltage R·I it would hold):
//
//	τ_m dV_i/dt = −(V_i − V_rest) + I_i(t) + I_ext,i(t)
//	τ_syn dI_i/dt = −I_i,   I_i += w_ij when a spike of j arrives
//
// with τ_m = TauMemE for the excitatory neurons 0 … N_E−1 and TauMemI for the
// inhibitory neurons N_E … N−1. A neuron whose V reaches V_th spikes, is set to
// V_reset and held there for the refractory period. TauSyn = 0 selects delta
// synapses: an arriving spike makes V jump by w_ij (Brunel 2000). Excitatory
// synapses carry w = J (or J·max(0, z), z ~ N(0, 1), with Weights
// "rectnormal"), inhibitory ones −g·J (or −g·J·max(0, z)).
//
// Exact integration (Rotter & Diesmann, Biol. Cybern. 81:381, 1999). Between
// spike arrivals the subthreshold system is linear, so one step of length h
// is the matrix exponential
//
//	I(t+h) = P11 I(t),                       P11 = e^{−h/τ_syn}
//	V(t+h) = V_rest + P22 (V(t) − V_rest) + P21 I(t) + (1 − P22) I_ext
//	P22 = e^{−h/τ_m},   P21 = τ_syn/(τ_syn − τ_m) · (P11 − P22)
//
// (P21 = (h/τ_m) e^{−h/τ_m} when τ_syn = τ_m), exact for an external drive held
// constant over the step. The propagators are computed once with kernel/fmath,
// so native and js/wasm runs give the same bits.
//
// Order of phases inside one Step, from t to t+h (h = Dt, the step index k
// counts from 0):
//
//  1. Integrate: every neuron that is not refractory advances V by the exact
//     propagator above; a refractory neuron keeps V = V_reset and counts one
//     step of its refractory period down. Every I decays by P11.
//  2. Receive: the spikes due in step k (ring-buffer slot k mod L, written by
//     spikes of step k − d) and this step's Poisson external events are added:
//     to I for exponential synapses, to V for delta synapses (dropped while
//     the neuron is refractory). The slot is cleared.
//  3. Threshold: every neuron with V ≥ V_th spikes at time (k+1)·h.
//  4. Reset: a spiking neuron gets V = V_reset and a refractory count of
//     round(Refractory/Dt) steps.
//  5. Propagate: each spike of neuron j adds w_ij to slot (k + d_ij) mod L of
//     every target i, with d_ij ≥ 1 the delay in steps and L = max d + 1.
//
// Hence a neuron fed a constant suprathreshold drive fires with period
// round(t_ref/h)·h + ⌈T/h⌉·h, where T = τ_m ln(I/(I − (V_th − V_reset))) for
// V_reset = V_rest is the analytic time to threshold.
//
// Connectivity is stored as compressed sparse rows by presynaptic neuron
// (RowStart, Target, optional per-synapse Weight and Delay), so a step costs
// O(N + spikes · K): one pass over the neurons and one pass over the out-going
// synapses of the neurons that spiked. Connections are drawn with probability
// P for every ordered pair without autapses (by geometric skipping, O(synapses)
// random numbers), or with a fixed in-degree K (InDegree): round(f_E·K)
// distinct excitatory and the rest distinct inhibitory presynaptic neurons
// for every neuron, as in Brunel (2000).
//
// Drive: a constant current per population (Drive.ConstE, Drive.ConstI), Poisson
// spike trains from Drive.PoissonIn external excitatory synapses per neuron at
// Drive.PoissonRate each with weight Drive.PoissonJ (one Poisson count per
// neuron and step, drawn by Knuth's multiplication method from a seeded
// kernel/rng stream), and an input signal u of Drive.Inputs dimensions through
// fixed input weights W_in ~ N(0, InputScale²): I_ext,i = Const + Σ_k W_in,ik u_k,
// held constant over a step.
//
// Recording is not the model's job: after each Step, Spikes lists the neurons
// that fired, and the monitors of this package (SpikeMonitor, RateMonitor,
// StateMonitor, Trace, BalanceMonitor) read the network from outside.
//
// References: N. Brunel, J. Comput. Neurosci. 8:183–208 (2000); S. Rotter and
// M. Diesmann, Biol. Cybern. 81:381–402 (1999); C. van Vreeswijk and
// H. Sompolinsky, Science 274:1724 (1996).
package lif
