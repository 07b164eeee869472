// Package models declares the small interfaces through which every recurrent
// model in rnnlab is stepped, differentiated and trained, and the conventions
// they share. Concrete models live in sub-packages (plrnn, ctrnn, obs, …).
//
// Conventions
//
//   - A model is a discrete-time map x_{t+1} = F(x_t, u_t; θ) on a state of
//     dimension M = Dim() with an optional input u of dimension K = InputDim().
//     Continuous-time models become maps through an integrator step
//     (kernel/ode: Euler, RK4); spiking and plastic models put membrane
//     potentials, synaptic traces or fast weights into the state vector.
//   - States are batched: x holds n = len(x)/M states row-major (row r is
//     x[r·M:(r+1)·M]); u holds n rows of K inputs, or is nil when K = 0.
//     One state is simply n = 1.
//   - θ is one flat []float64 returned by Params. The model's named fields
//     (A, W, h, …) alias it, so optimizers, checkpoints and a GPU path see one
//     vector; writing into Params changes the model.
//   - Derivatives: Jacobian gives ∂F/∂x at one state, row-major M×M with
//     dst[i·M+j] = ∂F_i/∂x_j. VJP gives the vector–Jacobian products for a
//     batch: gx (n×M) is overwritten with (∂F/∂x)ᵀg row by row, and gtheta
//     (len(θ)) is incremented by Σ_rows (∂F/∂θ)ᵀg. Accumulating into gtheta
//     lets backpropagation through time sum over steps without copies.
//   - Methods never modify their inputs. Scratch memory lives in the model,
//     so a model value is not safe for concurrent use; steady-state calls
//     allocate nothing.
//   - Programmer errors (wrong lengths) panic with the package name as prefix;
//     numerical trouble is reported by the caller that can recover from it.
//
// Every model is checked by models/modeltest.Conformance: finite-difference
// Jacobians, the adjoint identity ⟨g, J v⟩ = ⟨Jᵀg, v⟩, gradients with respect
// to θ, inputs left unchanged, bit-identical repeated calls and zero
// allocations.
package models
