package hebbian

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models"
)

// Rules of the trace.
const (
	RuleHebb          = "hebb"
	RuleBackpropamine = "backpropamine"
)

// Config sets a plastic network.
type Config struct {
	Units       int     `json:"units"`        // M
	Inputs      int     `json:"inputs"`       // K (= M with DirectInput)
	DirectInput bool    `json:"direct_input"` // add x to the pre-activation instead of W_in x
	Modulated   bool    `json:"modulated"`    // the last input is the modulator m (RuleHebb)
	Rule        string  `json:"rule"`         // RuleHebb or RuleBackpropamine
	Eta         float64 `json:"eta"`          // initial η, trained with the other parameters (RuleHebb)
	Clip        float64 `json:"clip"`         // trace clip (RuleBackpropamine, 1)
	Gain        float64 `json:"gain"`         // W ~ N(0, Gain²/M) (0 means 1)
	AlphaInit   float64 `json:"alpha_init"`   // α ~ U(0, AlphaInit) (0 means 0.01)
	AlphaSD     float64 `json:"alpha_sd"`     // > 0: α ~ N(0, AlphaSD²) instead (Miconi's simple.py: 0.01)
	Seed        uint64  `json:"seed"`
}

// Validate reports the first invalid setting, naming its key.
func (c Config) Validate() error {
	switch {
	case c.Units < 1:
		return fmt.Errorf("hebbian: units = %d, want ≥ 1", c.Units)
	case c.Inputs < 0 || (c.DirectInput && c.Inputs != c.Units):
		return fmt.Errorf("hebbian: inputs = %d, want ≥ 0 (= units with direct_input)", c.Inputs)
	case c.Rule != RuleHebb && c.Rule != RuleBackpropamine:
		return fmt.Errorf("hebbian: rule = %q, want %q or %q", c.Rule, RuleHebb, RuleBackpropamine)
	case c.Rule == RuleBackpropamine && !(c.Clip > 0):
		return fmt.Errorf("hebbian: clip = %v, want > 0 for backpropamine", c.Clip)
	case c.Rule == RuleBackpropamine && c.Modulated:
		return fmt.Errorf("hebbian: modulated is for rule %q (backpropamine makes its own modulator)", RuleHebb)
	case !(c.AlphaSD >= 0):
		return fmt.Errorf("hebbian: alpha_sd = %v, want ≥ 0", c.AlphaSD)
	case c.Rule == RuleHebb && !(c.Eta >= 0 && c.Eta <= 1):
		return fmt.Errorf("hebbian: eta = %v, want in [0, 1]", c.Eta)
	}
	return nil
}

// Net is the map s' = F(s, u) (see the package documentation).
type Net struct {
	Cfg                    Config
	M, K                   int
	Theta                  []float64
	W, Alpha, Win, B, Wmod []float64
	EtaIdx                 int // index of η in Theta (−1 without)
	layout                 []models.Field
	hn, gh2, weff          []float64 // scratch of VJP and forward (M each)
}

// New builds a network from cfg.
func New(cfg Config) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	M, K := cfg.Units, cfg.Inputs
	n := &Net{Cfg: cfg, M: M, K: K, EtaIdx: -1}
	size := 2 * M * M
	if !cfg.DirectInput {
		size += M * K
	}
	size += M
	if cfg.Rule == RuleHebb {
		size++
	} else {
		size += M
	}
	n.Theta = make([]float64, size)
	off := 0
	field := func(name string, shape ...int) []float64 {
		f := models.Field{Name: name, Shape: shape, Offset: off}
		n.layout = append(n.layout, f)
		s := n.Theta[off : off+f.Size()]
		off += f.Size()
		return s
	}
	n.W = field("W", M, M)
	n.Alpha = field("alpha", M, M)
	if !cfg.DirectInput {
		n.Win = field("W_in", M, K)
	}
	n.B = field("b", M)
	if cfg.Rule == RuleHebb {
		n.EtaIdx = off
		field("eta", 1)
		n.Theta[n.EtaIdx] = cfg.Eta
	} else {
		n.Wmod = field("w_mod", M)
	}
	r := rng.New(cfg.Seed)
	g := cfg.Gain
	if g == 0 {
		g = 1
	}
	r.FillNorm(n.W, g/math.Sqrt(float64(M)))
	ai := cfg.AlphaInit
	if ai == 0 {
		ai = 0.01
	}
	if cfg.AlphaSD > 0 {
		r.FillNorm(n.Alpha, cfg.AlphaSD)
	} else {
		r.FillUniform(n.Alpha, 0, ai)
	}
	if n.Win != nil && K > 0 {
		r.FillNorm(n.Win, 1/math.Sqrt(float64(K)))
	}
	if n.Wmod != nil {
		r.FillNorm(n.Wmod, 1/math.Sqrt(float64(M)))
	}
	n.hn, n.gh2, n.weff = make([]float64, M), make([]float64, M), make([]float64, M)
	return n, nil
}

// Dim implements models.Map: M + M².
func (n *Net) Dim() int { return n.M + n.M*n.M }

// InputDim implements models.Map: K, plus one modulator when Modulated.
func (n *Net) InputDim() int {
	if n.Cfg.Modulated {
		return n.K + 1
	}
	return n.K
}

// Params implements models.Parametric.
func (n *Net) Params() []float64 { return n.Theta }

// Layout implements models.Layouter.
func (n *Net) Layout() []models.Field { return n.layout }

func (n *Net) eta() float64 {
	if n.EtaIdx < 0 {
		return 0
	}
	return n.Theta[n.EtaIdx]
}

// Step implements models.Map.
func (n *Net) Step(dst, x, u []float64) {
	D, Ku := n.Dim(), n.InputDim()
	M := n.M
	for r := 0; r < len(x)/D; r++ {
		s, d := x[r*D:(r+1)*D], dst[r*D:(r+1)*D]
		var ur []float64
		if Ku > 0 {
			ur = u[r*Ku : (r+1)*Ku]
		}
		n.forward(d[:M], d[M:], s[:M], s[M:], ur)
	}
}

// VJP implements models.VJP.
func (n *Net) VJP(gx, gtheta, x, u, g []float64) {
	D, Ku := n.Dim(), n.InputDim()
	M := n.M
	for r := 0; r < len(x)/D; r++ {
		s, gs, gr := x[r*D:(r+1)*D], gx[r*D:(r+1)*D], g[r*D:(r+1)*D]
		var ur []float64
		if Ku > 0 {
			ur = u[r*Ku : (r+1)*Ku]
		}
		n.forward(n.hn, nil, s[:M], s[M:], ur)
		copy(n.gh2, gr[:M])
		n.backward(gs[:M], gs[M:], gtheta, s[:M], s[M:], n.hn, ur, n.gh2, gr[M:], nil)
	}
}
