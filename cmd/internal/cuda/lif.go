//go:build cuda

package cuda

/*
#include "rnncuda.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/rnnlab/rnnlab/kernel/rng"
	"github.com/rnnlab/rnnlab/models/lif"
)

// LIF is a models/lif network stepped on the device (docs/gpu.md, "The LIF
// network"): the connectivity and state of a lif.Net uploaded once, then
// many steps per call, two kernel launches a step (integration one thread
// per neuron; spike propagation as a deterministic per-target gather over
// the transposed CSR, or optionally by atomics, LIFOptions). V, I and the
// spike trains of the gather equal the CPU network's bit for bit for the same seed; the Poisson drive continues the CPU's own
// stream on the host (its counts uploaded per chunk of steps).
type LIF struct {
	N, NE, L int
	p        *C.rnncuda_lif
	k        lifConstants
	steps    int64
	poisson  *rng.Rand
	chunk    int
	events   []C.int
	counts   []C.int
	spikes   []C.int
	out      []int32
}

// NewLIF uploads net's connectivity and current state (net.State()) to the
// current device; net itself is left unchanged. A network with an input
// signal (Drive.Inputs > 0) is refused.
func NewLIF(net *lif.Net, opt LIFOptions) (*LIF, error) {
	if err := checkLIFNet(net); err != nil {
		return nil, err
	}
	cfg := net.Config()
	st := net.State()
	d := &LIF{N: net.N, NE: net.NE, L: len(st.Ring) / net.N, k: lifConstantsOf(cfg), steps: st.Steps}
	d.poisson = rng.New(0)
	if err := d.poisson.UnmarshalBinary(st.RNG); err != nil {
		return nil, fmt.Errorf("cuda: NewLIF: the network's Poisson stream: %v", err)
	}
	c := C.rnncuda_lif_config{neurons: C.int(net.N), excitatory: C.int(net.NE), synapses: C.longlong(net.Synapses()),
		slots: C.int(d.L), delay: C.int(net.D), refractory: C.int(d.k.refMax),
		v_rest: C.double(cfg.VRest), v_reset: C.double(cfg.VReset), v_th: C.double(cfg.VTh),
		p11: C.double(d.k.p11), p22_exc: C.double(d.k.p22E), p22_inh: C.double(d.k.p22I),
		p21_exc: C.double(d.k.p21E), p21_inh: C.double(d.k.p21I),
		ext_exc: C.double(cfg.Drive.ConstE), ext_inh: C.double(cfg.Drive.ConstI),
		w_exc: C.double(d.k.wE), w_inh: C.double(d.k.wI), poisson_j: C.double(d.k.poissonJ)}
	if cfg.TauSyn == 0 {
		c.delta = 1
	}
	if opt.Atomic {
		c.atomic = 1
	}
	rows := make([]C.longlong, len(net.RowStart))
	for j, s := range net.RowStart {
		rows[j] = C.longlong(s)
	}
	var target *C.int
	if len(net.Target) > 0 {
		target = (*C.int)(unsafe.Pointer(&net.Target[0]))
	}
	var weight *C.double
	if len(net.Weight) > 0 {
		weight = (*C.double)(unsafe.Pointer(&net.Weight[0]))
	}
	var delay *C.ushort
	if len(net.Delay) > 0 {
		delay = (*C.ushort)(unsafe.Pointer(&net.Delay[0]))
	}
	if err := call("create LIF network", func() C.int {
		return C.rnncuda_lif_create(&c, &rows[0], target, weight, delay, &d.p)
	}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(net)
	runtime.SetFinalizer(d, (*LIF).Close)
	if err := d.SetState(st); err != nil {
		d.Close()
		return nil, err
	}
	d.chunk = max(1, lifChunkEntries/d.N)
	return d, nil
}

// Close frees the device memory; the network is unusable afterwards.
func (d *LIF) Close() {
	if d != nil && d.p != nil {
		C.rnncuda_lif_free(d.p)
		d.p = nil
	}
}

// Steps is the number of steps taken (lif.Net.Steps).
func (d *LIF) Steps() int64 { return d.steps }

// SetState uploads a state of a network of the same Config (lif.Net.State).
func (d *LIF) SetState(s lif.State) error {
	if d == nil || d.p == nil {
		return fmt.Errorf("cuda: LIF SetState on a closed or nil network")
	}
	if len(s.V) != d.N || len(s.I) != d.N || len(s.Ref) != d.N || len(s.Ring) != d.L*d.N || s.Steps < 0 {
		return fmt.Errorf("cuda: LIF state holds %d, %d, %d, %d values of V, I, Ref, Ring (step %d) for N = %d, L = %d", len(s.V), len(s.I), len(s.Ref), len(s.Ring), s.Steps, d.N, d.L)
	}
	r := rng.New(0)
	if err := r.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("cuda: LIF state random stream: %v", err)
	}
	if err := call("LIF set state", func() C.int {
		return C.rnncuda_lif_set_state(d.p, C.longlong(s.Steps), (*C.double)(unsafe.Pointer(&s.V[0])), (*C.double)(unsafe.Pointer(&s.I[0])),
			(*C.int)(unsafe.Pointer(&s.Ref[0])), (*C.double)(unsafe.Pointer(&s.Ring[0])))
	}); err != nil {
		return err
	}
	d.steps, d.poisson = s.Steps, r
	return nil
}

// State downloads the state; lif.Net.SetState of a network built from the
// same Config and seed continues from it on the CPU bit for bit.
func (d *LIF) State() (lif.State, error) {
	if d == nil || d.p == nil {
		return lif.State{}, fmt.Errorf("cuda: LIF State on a closed or nil network")
	}
	s := lif.State{V: make([]float64, d.N), I: make([]float64, d.N), Ref: make([]int32, d.N), Ring: make([]float64, d.L*d.N)}
	var steps C.longlong
	if err := call("LIF get state", func() C.int {
		return C.rnncuda_lif_get_state(d.p, &steps, (*C.double)(unsafe.Pointer(&s.V[0])), (*C.double)(unsafe.Pointer(&s.I[0])),
			(*C.int)(unsafe.Pointer(&s.Ref[0])), (*C.double)(unsafe.Pointer(&s.Ring[0])))
	}); err != nil {
		return lif.State{}, err
	}
	s.Steps = int64(steps)
	b, err := d.poisson.MarshalBinary()
	if err != nil {
		return lif.State{}, fmt.Errorf("cuda: LIF state random stream: %v", err)
	}
	s.RNG = b
	return s, nil
}

// Run advances the network by steps steps on the device, in chunks of at
// most 2²³/N steps a call, and calls spiked (if not nil) after each chunk
// for every step k (0-based, spike time (k+1)·Dt) with the neurons that
// fired in it, in increasing order — lif.Net.Spikes after its Step. The
// slice is reused.
func (d *LIF) Run(steps int, spiked func(step int64, neurons []int32)) error {
	if d == nil || d.p == nil {
		return fmt.Errorf("cuda: LIF Run on a closed or nil network")
	}
	if steps < 0 {
		return fmt.Errorf("cuda: LIF Run: steps = %d, need ≥ 0", steps)
	}
	for steps > 0 {
		n := min(steps, d.chunk)
		if len(d.counts) < n {
			d.counts = make([]C.int, n)
			d.spikes = make([]C.int, n*d.N)
		}
		var ev *C.int
		if d.k.poissonLim > 0 {
			if len(d.events) < n*d.N {
				d.events = make([]C.int, n*d.N)
			}
			for s := 0; s < n; s++ {
				drawPoisson(d.poisson, d.k.poissonLim, d.events[s*d.N:(s+1)*d.N])
			}
			ev = &d.events[0]
		}
		var total C.int
		if err := call("LIF run", func() C.int {
			return C.rnncuda_lif_run(d.p, C.int(n), ev, &d.counts[0], &d.spikes[0], C.int(n*d.N), &total)
		}); err != nil {
			return err
		}
		if spiked != nil {
			at := 0
			for s := 0; s < n; s++ {
				c := int(d.counts[s])
				d.out = d.out[:0]
				for _, j := range d.spikes[at : at+c] {
					d.out = append(d.out, int32(j))
				}
				at += c
				spiked(d.steps+int64(s), d.out)
			}
		}
		d.steps += int64(n)
		steps -= n
	}
	return nil
}
