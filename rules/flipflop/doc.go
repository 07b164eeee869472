// Package flipflop is the "flipflop" kind of run (rnnlab flipflop): the
// 3-bit flip-flop task of Sussillo & Barak (Neural Comput. 25:626–649,
// 2013, after the 4-bit memory of Sussillo & Abbott, Neuron 63:544, 2009),
// learned by a continuous-time RNN (models/ctrnn) and by a balanced E/I
// rate network with Dale's law (models/balanced), and the fixed points of
// what they learned.
//
// The task: each of 3 input channels emits, at every step with probability
// Pulse, a pulse of ±1 lasting PulseLen steps; output k must hold the sign
// of channel k's last pulse (0 before its first). The network's 6 inputs
// are the pulses and its own readout z = W φ(x) fed back; W alone is
// trained, by FORCE — recursive least squares at every step of the
// training sequence towards the targets (rules/force; Sussillo & Abbott
// 2009). φ is tanh for the CT-RNN and the identity on the E/I network's
// rates. (Not BPTT: rules/bptt takes no inputs yet.)
//
// Scored on a fresh test sequence: the accuracy is the fraction of outputs,
// counted from each channel's first pulse on, whose sign is the target's.
// Then analysis/fixedpoint (Levenberg–Marquardt on q = ½‖F(x) − x‖²) finds
// the fixed points of the trained closed loop without pulses,
// x' = F(x, (0, 0, 0, W φ(x))), from Starts states of the test run; its
// Jacobian is taken by central differences (the models give ∂F/∂x, not
// ∂F/∂u). A fixed point decodes to the memory state given by the signs of
// its readout when all three exceed 0.5 in magnitude; Sussillo & Barak find
// one stable fixed point per memory state (8) and saddles between them.
//
// Units of work: Chunk FORCE steps of one network, then one unit that
// tests it and finds its fixed points. The pulse sequences are drawn at the
// start from the seed, so a checkpoint holds, per network, its state, its
// readout, the RLS matrices and the position in the training sequence, or
// once analysed its result; a resumed run continues bit for bit.
package flipflop
