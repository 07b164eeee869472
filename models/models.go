package models

// Map is a discrete-time system x_{t+1} = F(x_t, u_t) acting on a batch of
// states (see the package documentation for the layout).
type Map interface {
	// Dim is the state dimension M.
	Dim() int
	// InputDim is the input dimension K; 0 for an autonomous system.
	InputDim() int
	// Step sets dst = F(x, u) for every row of the batch x. dst and x
	// must have the same length and may not overlap.
	Step(dst, x, u []float64)
}

// Parametric is a model with a flat parameter vector θ that its fields alias.
type Parametric interface {
	Params() []float64
}

// Jacobian is a map that can give its state Jacobian ∂F/∂x at one state,
// row-major M×M.
type Jacobian interface {
	Jacobian(dst, x, u []float64)
}

// VJP is a map that can pull a cotangent g back through one step, for a
// batch: gx = (∂F/∂x)ᵀ g row by row (overwritten) and gtheta += Σ (∂F/∂θ)ᵀ g.
// gtheta may be nil when the parameter gradient is not wanted.
type VJP interface {
	VJP(gx, gtheta, x, u, g []float64)
}

// Trainable is what gradient-based learning rules need of a model.
type Trainable interface {
	Map
	Parametric
	VJP
}

// Differentiable is a trainable model that can also give its Jacobian, which
// generalized teacher forcing and the dynamical analyses use.
type Differentiable interface {
	Trainable
	Jacobian
}

// Observation maps latent states z (dimension M) to observations x
// (dimension N): x = G(z; φ). It is batched like Map.
type Observation interface {
	// Dims returns the observation dimension N and latent dimension M.
	Dims() (n, m int)
	// Observe sets dst (rows of N) = G(z) for every row of z (rows of M).
	Observe(dst, z []float64)
	// ObserveVJP sets gz = (∂G/∂z)ᵀ g row by row and adds Σ (∂G/∂φ)ᵀ g to
	// gphi (which may be nil).
	ObserveVJP(gz, gphi, z, g []float64)
	Parametric
}

// Inverter is an observation model that can turn observations into latent
// forcing signals for teacher forcing: Invert sets the first Forced() entries
// of each row of dst (rows of M) from the matching row of x and leaves the
// others untouched. The signal is a constant of the training step (no
// gradient flows through it).
type Inverter interface {
	Forced() int
	Invert(dst, x []float64)
}

// Regularizer is a model that can add a penalty on its own parameters to a
// loss: it returns the penalty and adds its gradient to gtheta.
type Regularizer interface {
	Penalty(gtheta []float64) float64
}

// Field names a block of a model's flat parameter vector: θ[Offset :
// Offset+Π Shape] holds the tensor Name, row-major with the given Shape.
// Checkpoints store parameters under these names, and regularizers find the
// blocks they act on by name.
type Field struct {
	Name   string
	Shape  []int
	Offset int
}

// Size is the number of entries of the field.
func (f Field) Size() int {
	n := 1
	for _, d := range f.Shape {
		n *= d
	}
	return n
}

// Layouter is a parametric model that names the blocks of its θ.
type Layouter interface {
	Layout() []Field
}

// FieldByName returns the field called name, and whether there is one.
func FieldByName(fields []Field, name string) (Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Projector is a model with constraints on its parameters that a learning
// rule keeps by projecting each gradient (for example, a PLRNN keeps the
// diagonal of W at zero by zeroing its gradient).
type Projector interface {
	ProjectGradient(gtheta []float64)
}
