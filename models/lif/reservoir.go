package lif

import "fmt"

// Reservoir drives a network with a sampled signal, holding each sample
// for Sub steps, and reads the exponentially filtered spike trains of a
// range of neurons as the features of a readout (liquid-state machine;
// Maass, Natschläger & Markram, Neural Comput. 14:2531, 2002). The recurrent
// weights stay fixed; only a readout (rules/ridge, rules/force) is trained.
type Reservoir struct {
	Net   *Net
	Trace *Trace
	Sub   int
}

// NewReservoir reads neurons lo … hi−1 of net through a trace of time
// constant tau (ms), sub steps per sample.
func NewReservoir(net *Net, lo, hi int, tau float64, sub int) (*Reservoir, error) {
	if sub < 1 {
		return nil, fmt.Errorf("lif: reservoir needs at least one step per sample, got Sub = %d", sub)
	}
	if net.cfg.Drive.Inputs == 0 {
		return nil, fmt.Errorf("lif: reservoir network has Drive.Inputs = 0, nothing to feed the signal into")
	}
	return &Reservoir{Net: net, Trace: NewTrace(net, lo, hi, tau), Sub: sub}, nil
}

// Features is the number of features per sample, hi − lo.
func (r *Reservoir) Features() int { return len(r.Trace.X) }

// Feed runs one sample u (length Drive.Inputs) for Sub steps and copies the
// trace into feat (length Features), returning the number of spikes fired.
func (r *Reservoir) Feed(feat, u []float64) (spikes int, err error) {
	for k := 0; k < r.Sub; k++ {
		if err := r.Net.Step(u); err != nil {
			return spikes, err
		}
		r.Trace.Record(r.Net)
		spikes += len(r.Net.Spikes())
	}
	copy(feat, r.Trace.X)
	return spikes, nil
}

// Run feeds the series u (T samples of Drive.Inputs, row-major) and sets
// dst (T × Features) to the features after each sample; it returns the
// number of spikes fired.
func (r *Reservoir) Run(dst, u []float64) (spikes int, err error) {
	k, p := r.Net.cfg.Drive.Inputs, r.Features()
	T := len(u) / k
	if len(u) != T*k || len(dst) != T*p {
		panic(fmt.Sprintf("lif: Reservoir.Run needs u of T×%d and dst of T×%d", k, p))
	}
	for t := 0; t < T; t++ {
		s, err := r.Feed(dst[t*p:(t+1)*p], u[t*k:(t+1)*k])
		spikes += s
		if err != nil {
			return spikes, fmt.Errorf("sample %d: %w", t, err)
		}
	}
	return spikes, nil
}
