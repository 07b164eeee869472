package leaky

import "github.com/rnnlab/rnnlab/models"

// Clamped is the network with its input held at one row (h, η): an
// autonomous map for the fixed-point and stability analyses, e.g. the delay
// period of a task (h = the delay epoch's input, η = 0).
type Clamped struct {
	Net *Net
	// U is the held input row (K task inputs, then N noise values).
	U     []float64
	batch []float64
}

// NewClamped holds n's task input at h (K values) with the noise off.
func NewClamped(n *Net, h []float64) *Clamped {
	if len(h) != n.K {
		panic("leaky: NewClamped needs K task inputs")
	}
	u := make([]float64, n.K+n.N)
	copy(u, h)
	return &Clamped{Net: n, U: u}
}

// Dim is N.
func (c *Clamped) Dim() int { return c.Net.N }

// InputDim is 0: the input is held.
func (c *Clamped) InputDim() int { return 0 }

// Params is the network's θ.
func (c *Clamped) Params() []float64 { return c.Net.Params() }

// Layout is the network's Layout.
func (c *Clamped) Layout() []models.Field { return c.Net.Layout() }

func (c *Clamped) inputs(rows int) []float64 {
	m := len(c.U)
	if cap(c.batch) < rows*m {
		c.batch = make([]float64, rows*m)
	}
	b := c.batch[:rows*m]
	for r := 0; r < rows; r++ {
		copy(b[r*m:(r+1)*m], c.U)
	}
	return b
}

// Step steps every row with the held input.
func (c *Clamped) Step(dst, x, u []float64) {
	rows := models.CheckBatch("leaky", dst, x, u, c.Net.N, 0)
	c.Net.Step(dst, x, c.inputs(rows))
}

// Jacobian is the network's Jacobian at the held input.
func (c *Clamped) Jacobian(dst, x, u []float64) {
	if len(u) != 0 {
		panic("leaky: input given to a clamped network")
	}
	c.Net.Jacobian(dst, x, c.U)
}

// VJP is the network's VJP at the held input.
func (c *Clamped) VJP(gx, gtheta, x, u, g []float64) {
	rows := models.CheckBatch("leaky", gx, x, u, c.Net.N, 0)
	c.Net.VJP(gx, gtheta, x, c.inputs(rows), g)
}
