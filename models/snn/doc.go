// Package snn is a small dense network of leaky integrate-and-fire neurons
// written as a discrete-time map with surrogate gradients (SuperSpike;
// Zenke & Ganguli, Neural Comput. 30:1514–1541, 2018; Neftci, Mostafa &
// Zenke, IEEE Signal Process. Mag. 36:51, 2019), so that the project's BPTT
// can train its recurrent weights end to end. The large sparse simulator is
// models/lif; this package is for networks of tens to hundreds of neurons.
//
// State x = (I, V), I the synaptic currents of the N neurons (first, so an
// identity observation reads and teacher-forces currents, which are smooth)
// and V their membrane potentials. One step of length Dt (norse's LIFCell
// order, as in the course's balanced_spiking.py):
//
//	s_j  = H(V_j − θ)                            spikes of the current state
//	I'_i = α I_i + Σ_j W_ij s_j + Σ_k B_ik u_k + b_i,   α = e^{−Dt/τ_syn}
//	V'_i = (β V_i + (1 − β) I_i)(1 − s_i),               β = e^{−Dt/τ_mem}
//
// (a spiking neuron is reset to 0). θ = (W, B, b), N×N, N×K and N, aliased by
// the fields; Layout names them "W", "B", "b".
//
// Surrogate gradient. The derivative of the Heaviside step H is replaced by
// the fast sigmoid's, σ'(V) = 1/(1 + κ|V − θ|)² (SuperSpike, eq. 4), and the
// reset is detached from the graph (Zenke & Vogels, Neural Comput. 33:899,
// 2021, recommend it): Jacobian and VJP use
//
//	∂I'_i/∂I_j = α δ_ij,   ∂I'_i/∂V_j = W_ij σ'(V_j),
//	∂V'_i/∂V_i = β(1 − s_i),   ∂V'_i/∂I_i = (1 − β)(1 − s_i).
//
// They are therefore not the derivatives of Step (which are zero or
// undefined through H), so the models conformance suite's finite-difference
// checks do not apply; the tests check the adjoint identity between
// Jacobian and VJP and the parameter gradient, which is exact (s does not
// depend on θ within a step).
package snn
