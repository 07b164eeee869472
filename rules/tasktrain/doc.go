// Package tasktrain trains leaky rate networks (models/leaky) on the
// cognitive tasks of kernel/cogtask by backpropagation through time, with
// the three schemes of Soo, Goudar & Wang (NeurIPS 2023, "Training
// biologically plausible recurrent neural networks on cognitive tasks with
// long-term dependencies"; reference code github.com/wmws2/temporalskip,
// func_init.py compute_uall, func_standardtasks.py trainA/B/C, and the
// scripts main_standardtasks.py, main_standardtasks_cd.py):
//
//   - base: BPTT at the fine step dt;
//   - CD (coarsened discretisation): stages at dt·α, α = α₀/(S−1)·(S−1−s)
//     from 10 down to 1, parameters carried over, evaluation at the fine dt;
//   - SCTT (skip connections through time): at the end of every block of θ
//     steps u ← β u + (1 − β) u_block-start;
//   - DASC: the same with u_block-start + θ·Δu, a coarse Euler step;
//
// β = β₀ + (1 − β₀)/(S−1)·s over the stages, then base training until the
// criterion (cogtask.Criterion ≥ 0.99) or the budget.
//
// One training step draws a batch of trials (with jitter), runs the
// unrecorded warm-up without gradient, then the recorded epochs on a tape
// (states, f′, the mixing), computes the loss of the reference (the task's
// two masked means + 1e-5·mean|u| + 1e-5·mean|W̃|) and pulls it back: the
// state cotangents step by step through one S×N×N product each, the weight
// gradient deferred to one product Σ_k G_kᵀ X_k over the window
// (kernel/vec.MatMulAdd in chunks), then Adam as TensorFlow 2 applies it.
//
// An Ensemble trains K networks side by side, each with its own
// parameters, optimizer state and random stream, over a pool of goroutines;
// the results do not depend on the number of goroutines. State and
// SetState give a checkpoint (plain slices and the kernel/rng state).
//
// The reference's quirks are reproduced by default (Config.Corrected fixes
// them); docs/cogtask.md lists them.
package tasktrain
