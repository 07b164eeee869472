// Package reservoir is the "reservoir" kind of run (rnnlab compare): one
// Lorenz-63 series and networks of increasing biological realism that
// learn it, scored alike, as in the course "RNNs as computational
// dynamical systems" (CNNC-Lab/RNNs-tutorial; issue 15):
//
//   - "ctrnn": the continuous-time RNN τ dx/dt = −x + W tanh(x) + b of
//     models/ctrnn, autonomous, its first three units observed, trained by
//     BPTT with teacher forcing (rules/bptt) — or by FORCE;
//   - "ei": the balanced E/I rate network with Dale's law of
//     models/balanced, its readout fed back as its input and trained by
//     FORCE (Sussillo & Abbott, Neuron 63:544, 2009; rules/force);
//   - "lif-ridge": a balanced LIF network (models/lif) as a liquid-state
//     machine (Maass, Natschläger & Markram, Neural Comput. 14:2531, 2002)
//     with a ridge readout of its filtered spike trains (rules/ridge);
//   - "lif-force": a LIF network whose readout is fed back and trained by
//     FORCE (Nicola & Clopath, Nat. Commun. 8:2208, 2017);
//   - "lif-bptt": a small dense LIF network (models/snn) trained end to
//     end by BPTT with a surrogate gradient (SuperSpike; Zenke & Ganguli,
//     Neural Comput. 30:1514, 2018), autonomous like the BPTT rate
//     networks, its first three synaptic currents observed.
//
// The series: Lorenz-63 at dt = 0.01 from (1, 1, 1) + 0.1·N(0, I), 10 time
// units of transient dropped, 20 000 samples z-scored by the training
// part's statistics and split 70/15/15. The task: predict x_{t+1} from
// x_t. Every model is scored the same way: driven through the validation
// part by the true samples, it (1) predicts each next test sample from the
// true current one (one-step MSE and R²), and (2) from the same state runs
// freely, its prediction fed back, for Free samples, compared with the test
// part by D_stsp and D_H (analysis/metric) and by its largest Lyapunov
// exponent λ1 estimated from the generated series (Rosenstein, Collins &
// De Luca, Physica D 65:117, 1993), beside the true 0.906; for the
// autonomous rate networks trained by BPTT also λ1 of the trained map
// from its Jacobians (analysis/lyap; not for lif-bptt, whose Jacobian is
// the surrogate's). The lesson of the course shows in these columns: a
// one-step R² near 1 says little about the free-running attractor.
//
// Units of work: a chunk of BPTT steps or of FORCE training samples, or one
// whole LIF reservoir fit (its features are not checkpointed); the last
// unit of a model scores it. Checkpoints hold each model's training state
// or, once scored, its result (scores, free run, raster and rates), so a
// resumed run continues bit for bit and reports the whole comparison; the
// wall-clock seconds per model are the metadata "time.<model>".
//
// The 3-bit flip-flop task with the fixed points of the trained networks
// is a kind of its own (rules/flipflop, rnnlab flipflop).
package reservoir
