package main

import (
	"fmt"
	"math"
	pathpkg "path"
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
	// Losses are the run's recorded training losses from index LossFrom
	// on (the loss of step LossFrom+1 first) that earlier statuses did not
	// carry; nil when the status carries none (an older widget).
	LossFrom int
	Losses   []float64
	Run      int // the widget's run the losses belong to
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

	// confirm is a change of the controls that needs a new run, waiting
	// for the visitor to say whether to discard the current run for it.
	confirm *pendingChange
	// pendingFile is a data file sent to the widget and not yet accepted;
	// userData changes to it only once the widget runs on it.
	pendingFile string
	// wantFile: the page's link names the visitor's own file (data=user),
	// which a link cannot carry; the page asks for it and keeps the link's
	// state for it instead of taking over the widget's stand-in run.
	wantFile bool

	status Status
	// runLosses are the losses the widget's current run (lossRun)
	// recorded, gathered from every status; the plot's history took the
	// first lossFed of them.
	runLosses []float64
	lossRun   int
	lossFed   int
	loss      []lossPoint
	evals     []evalPoint
	message   string
	link      string
	note      string
}

// pendingChange is a state that needs a new run, and what the page says
// about it before discarding the current run.
type pendingChange struct {
	next session.State
	text string
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
	if c.st.Data == "user" {
		c.wantFile = true
		c.message = fileMissing
	}
	c.host.setHash(hashOf(c.st))
	return c
}

// fileMissing is the message of a link over the visitor's own file.
const fileMissing = "This link's run trains on its author's own data file, which a link cannot carry. Drop that .npy or CSV file on the page (or pick it under “own data”) to run it; until then nothing trains."

// LabHash is the hash the iframe is opened with: the page's state, or,
// while the page waits for the visitor's file, the same run on Lorenz-63,
// paused, as a stand-in that does not train.
func (c *Root) LabHash() string {
	if c.wantFile {
		st := c.st
		st.Data, st.Play = "lorenz63", false
		return hashOf(st)
	}
	return hashOf(c.st)
}

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

// apply makes next the page's state and sends it to the widget. A change
// the widget applies to the run at its current step (session.State.
// Continues: view keys, lr, forcing, α, τ, until) keeps the histories;
// any other change starts a new run, and while a run has taken steps the
// page first asks (Confirm, KeepRun).
func (c *Root) apply(next session.State) {
	if sameState(next, c.st) && next.Play == c.st.Play {
		return
	}
	if !next.Continues(c.st) && c.hasStatus && c.status.Step > 0 && c.confirm == nil {
		keys := c.st.NewRunKeys(next)
		c.confirm = &pendingChange{next: next, text: fmt.Sprintf("Changing %s needs a new run from step 0: the current run (step %d) would be discarded. Export its checkpoint first to keep it.", strings.Join(keys, ", "), c.status.Step)}
		return
	}
	c.confirm = nil
	if !next.Continues(c.st) {
		c.clearHistory()
	}
	c.st = next
	c.message = ""
	c.host.setHash(hashOf(next))
	c.pending = c.now()
	c.toLab(map[string]any{"type": "state", "hash": hashOf(next)})
}

// Confirm starts the new run the page asked about.
func (c *Root) Confirm() {
	if p := c.confirm; p != nil {
		c.confirm = nil
		c.status.Step = 0 // so apply does not ask again
		c.apply(p.next)
		c.sync = true
	}
}

// KeepRun drops the change the page asked about and shows the running
// run's values again.
func (c *Root) KeepRun() {
	c.confirm = nil
	c.sync = true
}

// Confirming is the question about a change that needs a new run ("" for
// none).
func (c *Root) Confirming() string {
	if c.confirm == nil {
		return ""
	}
	return c.confirm.text
}

// OnControl handles a change of the control for a hash key.
func (c *Root) OnControl(key, value string) {
	c.confirm = nil
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
	if c.message != fileMissing {
		c.message = "" // a valid value clears the banner, even the value it had
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
	c.pendingFile = name
	c.pending = c.now()
	if c.wantFile {
		// the widget runs the stand-in: give it the link's state first
		c.toLab(map[string]any{"type": "state", "hash": c.LabHash()})
	}
	c.toLab(map[string]any{"type": "load-data", "name": name, "bytes": bytes})
}

// LinkWarning says, before the link is copied, what it does not carry:
// the visitor's own data file.
func (c *Root) LinkWarning() string {
	if c.st.Data != "user" {
		return ""
	}
	name := c.userData
	if name == "" {
		name = "your data file"
	}
	return "The link does not carry " + name + ": whoever opens it is asked to drop the file on the page."
}

// CopyLink shows the page's link in the link field and copies it.
func (c *Root) CopyLink() {
	c.link = c.host.pageURL(hashOf(c.st))
	c.note = c.LinkWarning()
	c.host.copyText(c.link, func(ok bool) {
		if ok {
			c.note = strings.TrimSpace("Copied. " + c.LinkWarning())
		} else {
			c.note = strings.TrimSpace("Select the link and copy it (Ctrl+C). " + c.LinkWarning())
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
		if c.wantFile {
			// the widget runs the paused stand-in until the file comes
		} else if err != nil || !sameState(lab, c.st) {
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
		c.pendingFile = ""
		if c.wantFile {
			return
		}
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
	c.gatherLosses(s)
	var lab session.State
	known := false
	if s.Hash != "" {
		var err error
		lab, err = session.ParseHash(s.Hash, session.Default())
		known = err == nil
	}
	if known && c.pendingFile != "" && lab.Data == "user" && strings.HasPrefix(s.Data, pathpkg.Base(c.pendingFile)) {
		// the widget took the visitor's file
		c.userData, c.pendingFile, c.wantFile = c.pendingFile, "", false
		if c.message == fileMissing {
			c.message = ""
		}
		c.pending = time.Time{}
		c.clearHistory()
	}
	if c.wantFile {
		c.status = s
		c.hasStatus = true
		return // the stand-in: the page keeps the link's state
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

// record adds a status to the histories: the losses the run recorded (or,
// from a widget that sends none, the status's loss at its step), and one
// point per evaluation. Recorded losses make the plot a function of the
// run alone, not of when statuses happened to be sent: two identical runs
// draw identical curves.
func (c *Root) record(s Status) {
	if s.Losses != nil {
		if c.lossFed > len(c.runLosses) {
			keep := 0 // the run's losses were cut back (a new run)
			for keep < len(c.loss) && c.loss[keep].Step <= len(c.runLosses) {
				keep++
			}
			c.loss, c.lossFed = c.loss[:keep], len(c.runLosses)
		}
		for i, l := range c.runLosses[c.lossFed:] {
			if finite(l) && l > 0 {
				c.addLoss(lossPoint{c.lossFed + i + 1, l})
			}
		}
		c.lossFed = len(c.runLosses)
	} else if s.Step > 0 && finite(s.Loss) && s.Loss > 0 {
		if n := len(c.loss); n == 0 || s.Step > c.loss[n-1].Step {
			c.addLoss(lossPoint{s.Step, s.Loss})
		}
	}
	if s.EvalStep >= 0 && (finite(s.Dstsp) || finite(s.DH)) {
		if n := len(c.evals); n == 0 || s.EvalStep > c.evals[n-1].Step {
			c.evals = append(c.evals, evalPoint{s.EvalStep, s.Dstsp, s.DH})
		}
	}
}

// addLoss appends a point, thinning the history past maxHistory: one point
// at a time, so the history depends on the points alone, not on how they
// arrived.
func (c *Root) addLoss(p lossPoint) {
	c.loss = append(c.loss, p)
	if len(c.loss) > maxHistory {
		c.loss = thin(c.loss)
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
	c.loss, c.evals, c.lossFed = nil, nil, 0
}

// gatherLosses keeps the losses of the widget's run from every status,
// also those the page does not otherwise take (the widget sends each loss
// once).
func (c *Root) gatherLosses(s Status) {
	if s.Losses == nil {
		return
	}
	if s.Run != c.lossRun || s.LossFrom == 0 {
		c.runLosses, c.lossRun = c.runLosses[:0], s.Run
	}
	for len(c.runLosses) < s.LossFrom {
		c.runLosses = append(c.runLosses, math.NaN()) // not sent to this page
	}
	c.runLosses = append(c.runLosses[:s.LossFrom], s.Losses...)
}
