// Package recipe is a complete training run described as data: the run
// config (model, data, BPTT hyperparameters, evaluation), the model and
// observation it builds, the series it trains on, the long-horizon
// evaluation, and the checkpoint codec. The native command (cmd/rnnlab) and
// the page (wasm/session) share it, so a checkpoint written by one is read
// by the other and the same config gives the same bits on both targets.
//
// It touches no file system: series and checkpoints are decoded from and
// encoded to bytes, and the caller reads and writes files (atomically).
//
// The default recipe follows the generalized-teacher-forcing paper (Hess,
// Monfared, Brenner & Durstewitz, "Generalized Teacher Forcing for Learning
// Chaotic Dynamics", ICML 2023): a clipped shallow PLRNN (Eq. 4 there)
// trained by BPTT with GTF (Eq. 6), evaluated by the state-space divergence
// D_stsp, the power-spectrum Hellinger distance D_H and PE(n)
// (analysis/metric).
package recipe
