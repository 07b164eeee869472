package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	vjs "github.com/vugu/vugu/js"

	"github.com/rnnlab/rnnlab/wasm/session"
)

// host is what the shell needs from the browser; host_wasm.go implements
// it with honnef.co/go/js/dom/v2 and syscall/js, the tests with a fake.
type host interface {
	// post sends a protocol message (source is added) to the lab iframe.
	post(msg map[string]any)
	// setHash replaces the home page's hash without a new history entry.
	setHash(hash string)
	// pageURL is the home page's full URL with the given hash.
	pageURL(hash string) string
	// copyText puts text on the clipboard and calls done (under the
	// render lock) with whether that worked.
	copyText(text string, done func(ok bool))
	// readFile reads a picked file (a JS File) and calls done (under the
	// render lock) with its name and bytes (an ArrayBuffer), or an error.
	readFile(file vjs.Value, done func(name string, bytes vjs.Value, err error))
	// download saves bytes (an ArrayBuffer) as a file.
	download(name, mime string, bytes vjs.Value)
	// setControls sets the controls' values (by id) in the DOM.
	setControls(values map[string]string)
	// mounted marks the page as ready for the browser tests.
	mounted()
}

// Status is the widget's last status message (docs/protocol.md); NaN
// stands for null.
type Status struct {
	Step, Until int
	Loss        float64
	Dstsp, DH   float64
	PE          float64
	EvalStep    int
	Running     bool
	StepsPerSec float64
	FPS         float64
	Params      int
	Model, Data string
	Hash        string
	View        string
}

// LabMsg is one message from the widget, already checked to come from the
// lab iframe with source "rnnlab".
type LabMsg struct {
	Type    string // ready, status, error or file
	Status  Status // status (Hash and View also for ready)
	Message string // error
	Name    string // file
	Mime    string // file
	Bytes   vjs.Value
}

// lossPoint is one training loss of the history.
type lossPoint struct {
	Step int
	Loss float64
}

// evalPoint is one evaluation of the history.
type evalPoint struct {
	Step      int
	Dstsp, DH float64
}

// maxHistory bounds the loss history; past it every second point is
// dropped, so a long run keeps its whole shape at half the resolution.
const maxHistory = 1200

// pendingFor is how long a state sent to the widget waits to be reported
// back before the widget's reports are believed again.
const pendingFor = 3 * time.Second

// Root is the shell's one vugu component: the run's state, what the widget
// last reported, and the histories the plots draw.
type Root struct {
	host host
	now  func() time.Time

	st        session.State // what the page shows and asks the widget to run
	labHash   string        // hash of the widget's last ready or status ("" before)
	ready     bool          // the widget said ready
	queue     []map[string]any
	pending   time.Time // when a state or file was sent that the widget has not reported yet
	userData  string    // name of the visitor's data file, once loaded
	sync      bool      // the controls' DOM values must be set from st
	hasStatus bool

	status  Status
	loss    []lossPoint
	evals   []evalPoint
	message string
	link    string
	note    string
}

// newRoot is the shell for the home page's hash (with or without '#').
func newRoot(h host, pageHash string, now func() time.Time) *Root {
	c := &Root{host: h, now: now, st: homeDefault(), sync: true}
	c.status = Status{Loss: math.NaN(), Dstsp: math.NaN(), DH: math.NaN(), PE: math.NaN(), EvalStep: -1}
	if strings.TrimPrefix(pageHash, "#") != "" {
		st, err := session.ParseHash(pageHash, homeDefault())
		if err != nil {
			c.message = err.Error()
		} else {
			c.st = st
		}
	}
	c.host.setHash(hashOf(c.st))
	return c
}

// LabHash is the hash the iframe is opened with.
func (c *Root) LabHash() string { return hashOf(c.st) }

// AfterRender runs after each render (first is true the first time): it
// sets the controls' values when the state changed from outside them (the
// hash, the widget, a refused value) and marks the page ready once. (vugu
// v0.4.0 calls Rendered only on nested components, never on the root, so
// main calls this.)
func (c *Root) AfterRender(first bool) {
	if c.sync {
		c.sync = false
		c.host.setControls(controlValues(c.st))
	}
	if first {
		c.host.mounted()
	}
}

// toLab posts a message to the widget, or keeps it until the widget is
// ready; a state is never queued, since ready brings the two in line.
func (c *Root) toLab(msg map[string]any) {
	if c.ready {
		c.host.post(msg)
		return
	}
	if msg["type"] == "state" {
		return
	}
	c.queue = append(c.queue, msg)
}

func (c *Root) fail(format string, a ...any) {
	c.message = fmt.Sprintf(format, a...)
}

// apply makes next the page's state and sends it to the widget.
func (c *Root) apply(next session.State) {
	if sameState(next, c.st) && next.Play == c.st.Play {
		return
	}
	if !next.SameRun(c.st) {
		c.clearHistory()
	}
	c.st = next
	c.message = ""
	c.host.setHash(hashOf(next))
	c.pending = c.now()
	c.toLab(map[string]any{"type": "state", "hash": hashOf(next)})
}

// OnControl handles a change of the control for a hash key.
func (c *Root) OnControl(key, value string) {
	if key == "data" && value == "user" && c.userData == "" {
		c.fail("To train on your own series, drop a .npy or CSV file on the page or pick one under “Own data”.")
		c.sync = true
		return
	}
	next, err := withKey(c.st, key, value)
	if err != nil {
		c.fail("%v", err)
		c.sync = true // show the kept value again
		return
	}
	c.apply(next)
}

// OnHashChange handles an edit of the home page's hash (or back/forward).
func (c *Root) OnHashChange(pageHash string) {
	next, err := session.ParseHash(pageHash, homeDefault())
	if err != nil {
		c.fail("%v", err)
		c.host.setHash(hashOf(c.st))
		return
	}
	c.sync = true
	c.apply(next)
}

// Command sends a run command: play, pause, step or reset.
func (c *Root) Command(cmd string) {
	c.message = ""
	if cmd == "reset" {
		c.clearHistory()
	}
	c.toLab(map[string]any{"type": "command", "cmd": cmd})
}

// Export asks the widget to download the checkpoint or a trajectory.
func (c *Root) Export(what string) {
	c.toLab(map[string]any{"type": "export", "what": what})
}

// OnFile handles a picked or dropped file: checkpoint is true for the
// checkpoint picker; a dropped file is a checkpoint if it ends in
// .safetensors and a data series otherwise.
func (c *Root) OnFile(file vjs.Value, checkpoint bool) {
	c.host.readFile(file, func(name string, bytes vjs.Value, err error) {
		if err != nil {
			c.fail("Could not read %s: %v", name, err)
			return
		}
		c.loadBytes(name, bytes, checkpoint || strings.HasSuffix(strings.ToLower(name), ".safetensors"))
	})
}

// loadBytes sends a file's bytes to the widget.
func (c *Root) loadBytes(name string, bytes vjs.Value, checkpoint bool) {
	c.message = ""
	c.pending = time.Time{}
	if checkpoint {
		c.toLab(map[string]any{"type": "load-checkpoint", "name": name, "bytes": bytes})
		return
	}
	c.userData = name
	next := c.st
	next.Data = "user"
	c.st = next
	c.sync = true
	c.host.setHash(hashOf(next))
	c.pending = c.now()
	c.toLab(map[string]any{"type": "load-data", "name": name, "bytes": bytes})
}

// CopyLink shows the page's link in the link field and copies it.
func (c *Root) CopyLink() {
	c.link = c.host.pageURL(hashOf(c.st))
	c.note = ""
	c.host.copyText(c.link, func(ok bool) {
		if ok {
			c.note = "Copied."
		} else {
			c.note = "Select the link and copy it (Ctrl+C)."
		}
	})
}

// OnLab handles a message from the widget.
func (c *Root) OnLab(m LabMsg) {
	switch m.Type {
	case "ready":
		c.ready = true
		c.labHash = m.Status.Hash
		lab, err := session.ParseHash(m.Status.Hash, session.Default())
		if err != nil || !sameState(lab, c.st) {
			c.host.post(map[string]any{"type": "state", "hash": hashOf(c.st)})
			c.pending = c.now()
		}
		for _, q := range c.queue {
			c.host.post(q)
		}
		c.queue = nil
	case "status":
		c.onStatus(m.Status)
	case "error":
		c.message = m.Message
		if !c.pending.IsZero() && c.labHash != "" {
			// the widget kept its state: show it again
			c.pending = time.Time{}
			if lab, err := session.ParseHash(c.labHash, session.Default()); err == nil {
				lab.Play = c.st.Play
				if !lab.SameRun(c.st) && c.st.Data == "user" && lab.Data != "user" {
					c.userData = ""
				}
				c.st = lab
				c.sync = true
				c.host.setHash(hashOf(lab))
			}
		}
	case "file":
		name := m.Name
		if name == "" {
			name = "rnnlab-export"
		}
		c.host.download(name, m.Mime, m.Bytes)
	}
}

// onStatus records a status and takes over what the widget changed by
// itself (its view keys, or a run a checkpoint or data file brought).
func (c *Root) onStatus(s Status) {
	var lab session.State
	known := false
	if s.Hash != "" {
		var err error
		lab, err = session.ParseHash(s.Hash, session.Default())
		known = err == nil
	}
	if known && !c.pending.IsZero() {
		if !sameState(lab, c.st) && c.now().Sub(c.pending) < pendingFor {
			return // a report from before the state we sent
		}
		c.pending = time.Time{}
	}
	if n := len(c.loss); n > 0 && s.Step < c.loss[n-1].Step {
		c.clearHistory()
	}
	c.status = s
	c.hasStatus = true
	c.record(s)
	if !known {
		return
	}
	c.labHash = s.Hash
	next := c.st
	if !lab.SameRun(c.st) {
		next = lab
		next.Play = c.st.Play
		c.clearHistory()
		c.record(s)
	}
	next = withView(next, lab)
	if next != c.st {
		c.st = next
		c.sync = true
		c.host.setHash(hashOf(next))
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// record adds a status to the histories: its loss per step, and one point
// per evaluation.
func (c *Root) record(s Status) {
	if s.Step > 0 && finite(s.Loss) && s.Loss > 0 {
		if n := len(c.loss); n == 0 || s.Step > c.loss[n-1].Step {
			c.loss = append(c.loss, lossPoint{s.Step, s.Loss})
			if len(c.loss) > maxHistory {
				c.loss = thin(c.loss)
			}
		}
	}
	if s.EvalStep >= 0 && (finite(s.Dstsp) || finite(s.DH)) {
		if n := len(c.evals); n == 0 || s.EvalStep > c.evals[n-1].Step {
			c.evals = append(c.evals, evalPoint{s.EvalStep, s.Dstsp, s.DH})
		}
	}
}

// thin keeps every second point and the last.
func thin(p []lossPoint) []lossPoint {
	last := p[len(p)-1]
	out := p[:0]
	for i := 0; i < len(p)-1; i += 2 {
		out = append(out, p[i])
	}
	return append(out, last)
}

func (c *Root) clearHistory() {
	c.loss, c.evals = nil, nil
}
