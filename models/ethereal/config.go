package ethereal

import (
	"errors"
	"fmt"
)

// Input modes.
const (
	LastOne = "last_one" // the current character
	LastTwo = "last_two" // the current and the previous character
)

// Config is the architecture of an EtherealRNN. Zero values are not
// defaults: start from Defaults (the code's defaults, hebby.py).
type Config struct {
	Vocab           int     `json:"vocab"`                   // characters in and out (V)
	Hidden          int     `json:"hidden"`                  // hidden units H (128)
	Layers          int     `json:"layers"`                  // plastic layers before i2h/i2o (3)
	Batch           int     `json:"batch"`                   // sequences stepped together B (4)
	PlastProportion float64 `json:"plast_proportion"`        // fraction of masked ("high plasticity") entries (0.2)
	PlastClip       float64 `json:"plast_clip"`              // plasticity of the masked entries (0.005)
	ForgetRate      float64 `json:"forget_rate"`             // forgetting factor of the masked entries (0)
	Residual        bool    `json:"residual"`                // z = c_L + c₀ (true)
	InputMode       string  `json:"input_mode"`              // LastOne or LastTwo (LastTwo)
	PosDim          int     `json:"positional_encoding_dim"` // sinusoidal positional encoding width, 0 = off (even)
	MaxLen          int     `json:"max_len"`                 // positions of the encoding table (2000); later positions reuse the last
	Recurrence      bool    `json:"recurrence"`              // h' = tanh(i2h(z)); false: h' = 0 (true)
	Seed            uint64  `json:"seed"`                    // masks and bias initialisation
	// Shared makes the network a plain RNN of the same size: one set of
	// weights for the whole batch (Layer.Sets = 1), updated by the mean of
	// the sequences' updates, so a sequence's only memory of its own is the
	// hidden state. Use it with PlastProportion 0.
	Shared bool `json:"shared,omitempty"`
}

// Defaults returns the code's defaults (hebby.py's argument defaults) for a
// vocabulary of v characters.
func Defaults(v int) Config {
	return Config{Vocab: v, Hidden: 128, Layers: 3, Batch: 4, PlastProportion: 0.2,
		PlastClip: 0.005, ForgetRate: 0, Residual: true, InputMode: LastTwo,
		MaxLen: 2000, Recurrence: true, Seed: 1}
}

// Validate reports the first invalid setting, naming its key.
func (c Config) Validate() error {
	switch {
	case c.Vocab < 2:
		return fmt.Errorf("ethereal: vocab = %d, want ≥ 2", c.Vocab)
	case c.Hidden < 1:
		return fmt.Errorf("ethereal: hidden = %d, want ≥ 1", c.Hidden)
	case c.Layers < 0:
		return fmt.Errorf("ethereal: layers = %d, want ≥ 0", c.Layers)
	case c.Batch < 1:
		return fmt.Errorf("ethereal: batch = %d, want ≥ 1", c.Batch)
	case !(c.PlastProportion >= 0 && c.PlastProportion <= 1):
		return fmt.Errorf("ethereal: plast_proportion = %v, want in [0, 1]", c.PlastProportion)
	case !(c.PlastClip > 0):
		return fmt.Errorf("ethereal: plast_clip = %v, want > 0 (a plasticity of 0 freezes the masked weights)", c.PlastClip)
	case !(c.ForgetRate >= 0 && c.ForgetRate <= 1):
		return fmt.Errorf("ethereal: forget_rate = %v, want in [0, 1]", c.ForgetRate)
	case c.InputMode != LastOne && c.InputMode != LastTwo:
		return fmt.Errorf("ethereal: input_mode = %q, want %q or %q", c.InputMode, LastOne, LastTwo)
	case c.PosDim < 0 || c.PosDim%2 != 0:
		return fmt.Errorf("ethereal: positional_encoding_dim = %d, want an even number ≥ 0", c.PosDim)
	case c.PosDim > 0 && c.MaxLen < 1:
		return fmt.Errorf("ethereal: max_len = %d, want ≥ 1 with a positional encoding", c.MaxLen)
	}
	return nil
}

// UpdateConfig sets the one update rule that DFA and per-step backprop share.
type UpdateConfig struct {
	LR          float64 `json:"learning_rate"` // learning rate lr (0.005)
	GradClip    float64 `json:"grad_clip"`     // element-wise clamp of u on the masked entries; 0 = off (0.1)
	Normalize   bool    `json:"normalize"`     // divide every tensor by its L2 norm after each update (true in the code)
	ClipWeights float64 `json:"clip_weights"`  // clamp fast weights to ±ClipWeights after each update; 0 = off (1 in the code)
	TrainHidden bool    `json:"train_hidden"`  // also update i2h (the code never does: false is the faithful mode)
}

// Validate reports the first invalid setting, naming its key.
func (u UpdateConfig) Validate() error {
	switch {
	case !(u.LR > 0):
		return fmt.Errorf("ethereal: learning_rate = %v, want > 0", u.LR)
	case !(u.GradClip >= 0):
		return fmt.Errorf("ethereal: grad_clip = %v, want ≥ 0", u.GradClip)
	case !(u.ClipWeights >= 0):
		return fmt.Errorf("ethereal: clip_weights = %v, want ≥ 0", u.ClipWeights)
	}
	return nil
}

// Preset is a named architecture and update setting from issue 14.
type Preset struct {
	Name   string
	Config Config
	Update UpdateConfig
}

// Presets returns, for a vocabulary of v characters:
//   - "learns" (the default): the run scripts' setting without weight
//     clipping, with i2h trained (the variant): DFA reaches a key-recall
//     accuracy of 0.7–0.8 in 10⁵ characters (docs/plasticity.md);
//   - "code": hebby.py's argument defaults (lr 0.005, plast_clip 0.005,
//     grad_clip 0.1, normalize on, clip_weights 1);
//   - "scripts": the run scripts' setting (the code's with normalize off);
//   - "paper": plain SGD, lr 1e-4, forgetting 0.7, plasticity 1e4, hidden
//     256 (grad_clip and normalize off, which the code would otherwise apply
//     and which neutralise it).
func Presets(v int) []Preset {
	code := Defaults(v)
	codeU := UpdateConfig{LR: 0.005, GradClip: 0.1, Normalize: true, ClipWeights: 1}
	scriptsU := codeU
	scriptsU.Normalize = false
	learnsU := scriptsU
	learnsU.ClipWeights = 0
	learnsU.TrainHidden = true
	paper := Defaults(v)
	paper.Hidden, paper.ForgetRate, paper.PlastClip = 256, 0.7, 1e4
	paperU := UpdateConfig{LR: 1e-4}
	return []Preset{
		{"learns", code, learnsU},
		{"code", code, codeU},
		{"scripts", code, scriptsU},
		{"paper", paper, paperU},
	}
}

// PresetByName returns the preset called name.
func PresetByName(v int, name string) (Preset, error) {
	for _, p := range Presets(v) {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, errors.New("ethereal: unknown preset " + fmt.Sprintf("%q", name) + " (want learns, code, scripts or paper)")
}
