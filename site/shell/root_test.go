package main

import (
	"math"
	"strings"
	"testing"
	"time"

	vjs "github.com/vugu/vugu/js"

	"github.com/rnnlab/rnnlab/wasm/session"
)

// fakeHost records what the shell asks of the browser.
type fakeHost struct {
	posts    []map[string]any
	hash     string
	controls map[string]string
	ready    bool
	copied   string
}

func (h *fakeHost) post(m map[string]any)              { h.posts = append(h.posts, m) }
func (h *fakeHost) setHash(s string)                   { h.hash = s }
func (h *fakeHost) pageURL(s string) string            { return "http://x/index.html#" + s }
func (h *fakeHost) copyText(t string, done func(bool)) { h.copied = t; done(true) }
func (h *fakeHost) readFile(f vjs.Value, done func(string, vjs.Value, error)) {
	done("series.npy", vjs.Value{}, nil)
}
func (h *fakeHost) download(string, string, vjs.Value) {}
func (h *fakeHost) setControls(v map[string]string)    { h.controls = v }
func (h *fakeHost) mounted()                           { h.ready = true }

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTest(t *testing.T, hash string) (*Root, *fakeHost, *clock) {
	t.Helper()
	h := &fakeHost{}
	ck := &clock{time.Unix(1000, 0)}
	return newRoot(h, hash, ck.now), h, ck
}

func mustParse(t *testing.T, hash string, base session.State) session.State {
	t.Helper()
	st, err := session.ParseHash(hash, base)
	if err != nil {
		t.Fatalf("ParseHash(%q): %v", hash, err)
	}
	return st
}

func TestHomeDefaultIsPausedAndRoundTrips(t *testing.T) {
	c, h, _ := newTest(t, "")
	if c.st.Play {
		t.Fatal("home page plays by default")
	}
	// the widget, whose default is to play, reads the same paused state
	if got := mustParse(t, h.hash, session.Default()); got != c.st {
		t.Fatalf("widget reads %+v from %q, want %+v", got, h.hash, c.st)
	}
	c.AfterRender(true)
	if !h.ready || h.controls["model"] != c.st.Model {
		t.Fatalf("first render: ready %v controls %v", h.ready, h.controls)
	}
}

func TestPageHashRestoresState(t *testing.T) {
	c, h, _ := newTest(t, "#model=plrnn&latents=5&view=attractor")
	if c.st.Model != "plrnn" || c.st.Latents != 5 || c.st.View != "attractor" || c.message != "" {
		t.Fatalf("state %+v message %q", c.st, c.message)
	}
	// the copied link restores exactly the same state
	c.CopyLink()
	i := strings.IndexByte(h.copied, '#')
	c2, _, _ := newTest(t, h.copied[i:])
	if c2.st != c.st {
		t.Fatalf("link %q restores %+v, want %+v", h.copied, c2.st, c.st)
	}
	if c.Link() != h.copied || c.Note() == "" {
		t.Fatalf("link field %q note %q", c.Link(), c.Note())
	}
}

func TestBadPageHashShowsErrorKeepsDefault(t *testing.T) {
	c, _, _ := newTest(t, "#nonsense=1")
	if c.message == "" || c.st != homeDefault() {
		t.Fatalf("message %q state %+v", c.message, c.st)
	}
}

func TestControlSendsStateOrRefuses(t *testing.T) {
	c, h, _ := newTest(t, "")
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hashOf(c.st)}})
	if len(h.posts) != 0 {
		t.Fatalf("ready with the same state posted %v", h.posts)
	}
	c.OnControl("latents", "7")
	if c.st.Latents != 7 || len(h.posts) != 1 || h.posts[0]["type"] != "state" {
		t.Fatalf("latents: state %+v posts %v", c.st, h.posts)
	}
	if got := mustParse(t, h.posts[0]["hash"].(string), session.Default()); got != c.st {
		t.Fatalf("sent %+v, want %+v", got, c.st)
	}
	if mustParse(t, h.hash, homeDefault()) != c.st {
		t.Fatal("page hash not updated")
	}
	prev := c.st
	c.OnControl("latents", "-3")
	if c.message == "" || c.st != prev || len(h.posts) != 1 || !c.sync {
		t.Fatalf("bad value: message %q state %+v posts %d", c.message, c.st, len(h.posts))
	}
	c.OnControl("data", "user")
	if c.message == "" || c.st != prev {
		t.Fatal("data=user without a file accepted")
	}
	// a valid value clears the banner, even the value the control had
	c.OnControl("latents", "abc")
	if !strings.Contains(c.message, "use 1 … 256") {
		t.Fatalf("a non-number's message names no range: %q", c.message)
	}
	c.OnControl("latents", "7")
	if c.message != "" {
		t.Fatalf("the banner stays after a valid value: %q", c.message)
	}
}

func TestCommandsQueueUntilReady(t *testing.T) {
	c, h, _ := newTest(t, "")
	c.Command("play")
	c.OnControl("seed", "3")
	if len(h.posts) != 0 {
		t.Fatalf("posted before ready: %v", h.posts)
	}
	// the widget started on the old hash: ready brings it in line
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hashOf(homeDefault())}})
	if len(h.posts) != 2 || h.posts[0]["type"] != "state" || h.posts[1]["cmd"] != "play" {
		t.Fatalf("after ready: %v", h.posts)
	}
}

func TestStatusHistoryAndAdoption(t *testing.T) {
	c, h, ck := newTest(t, "")
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hashOf(c.st)}})
	nan := math.NaN()
	for i := 1; i <= 5; i++ {
		c.OnLab(LabMsg{Type: "status", Status: Status{Step: 100 * i, Until: 4000, Loss: 1 / float64(i),
			Dstsp: nan, DH: nan, EvalStep: -1, Hash: hashOf(c.st)}})
	}
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 500, Until: 4000, Loss: 0.2, Dstsp: 3, DH: 0.2, EvalStep: 500, Hash: hashOf(c.st)}})
	if len(c.loss) != 5 || len(c.evals) != 1 || c.LossPath() == "" || len(c.MetricDots(true)) != 1 {
		t.Fatalf("history: %d losses %d evals", len(c.loss), len(c.evals))
	}
	if c.StatusStep() != "500 / 4000" || c.StatusDstsp() != "3" {
		t.Fatalf("status %q %q", c.StatusStep(), c.StatusDstsp())
	}
	// a view change made inside the widget reaches the page's hash
	v := c.st
	v.View = "attractor"
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 600, Loss: 0.1, EvalStep: 500, Hash: hashOf(v)}})
	if c.st.View != "attractor" || mustParse(t, h.hash, homeDefault()).View != "attractor" {
		t.Fatalf("view not adopted: %+v", c.st)
	}
	// a change that needs a new run asks first, and Keep drops it
	c.OnControl("seed", "9")
	if c.st.Seed == 9 || !strings.Contains(c.Confirming(), "seed") || !strings.Contains(c.Confirming(), "step 600") {
		t.Fatalf("seed changed without asking: seed %d, asking %q", c.st.Seed, c.Confirming())
	}
	c.KeepRun()
	if c.st.Seed == 9 || c.Confirming() != "" || !c.sync || len(c.loss) == 0 {
		t.Fatal("KeepRun did not keep the run")
	}
	// a change the run takes mid-way does not ask and keeps the plots
	n := len(c.loss)
	c.OnControl("until", "9000")
	if c.st.Until != 9000 || c.Confirming() != "" || len(c.loss) != n {
		t.Fatalf("until: %d, asking %q, %d points", c.st.Until, c.Confirming(), len(c.loss))
	}
	v.Until = 9000
	// a state we sent is not undone by an older report
	c.OnControl("seed", "9")
	c.Confirm()
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 700, Loss: 0.1, Hash: hashOf(v)}})
	if c.st.Seed != 9 {
		t.Fatal("stale status reverted the seed")
	}
	if len(c.loss) != 0 {
		t.Fatal("history kept across a new run")
	}
	// the widget refuses it: the page shows its kept state again
	c.OnLab(LabMsg{Type: "error", Message: "seed: no"})
	if c.st.Seed == 9 || c.message != "seed: no" {
		t.Fatalf("after error: seed %d message %q", c.st.Seed, c.message)
	}
	// a reset run (step going back) clears the plots
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 50, Loss: 1, Hash: c.labHash}})
	if len(c.loss) != 1 {
		t.Fatalf("after reset %d points", len(c.loss))
	}
	_ = ck
}

func TestLoadDataMarksUser(t *testing.T) {
	c, h, _ := newTest(t, "")
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hashOf(c.st)}})
	c.OnFile(vjs.Value{}, false)
	if h.posts[len(h.posts)-1]["type"] != "load-data" || c.UserData() != "" {
		t.Fatalf("state %+v posts %v", c.st, h.posts)
	}
	// the menu names the file only once the widget runs on it
	u := c.st
	u.Data = "user"
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 0, Data: "series.npy [train]", Hash: hashOf(u)}})
	if c.st.Data != "user" || c.UserData() != "series.npy" {
		t.Fatalf("accepted file: state %+v, user data %q", c.st, c.UserData())
	}
	// a rejected second file leaves the menu on the first
	c.OnFile(vjs.Value{}, false)
	c.OnLab(LabMsg{Type: "error", Message: "other.npy: not a .npy file"})
	if c.UserData() != "series.npy" || c.dataLabel("user") != "own: series.npy" {
		t.Fatalf("after a rejected file the menu says %q", c.dataLabel("user"))
	}
	c.OnControl("seed", "4")
	if c.st.Data != "user" || c.st.Seed != 4 {
		t.Fatalf("after seed: %+v %q", c.st, c.message)
	}
}

func TestThinKeepsEnds(t *testing.T) {
	var p []lossPoint
	for i := 1; i <= maxHistory+1; i++ {
		p = append(p, lossPoint{i, 1})
	}
	q := thin(p)
	if q[0].Step != 1 || q[len(q)-1].Step != maxHistory+1 || len(q) > maxHistory/2+2 {
		t.Fatalf("thin: %d points, %v..%v", len(q), q[0], q[len(q)-1])
	}
}

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{{0.3, 0.5}, {1, 1}, {7, 10}, {12, 20}, {0.011, 0.02}} {
		if got := niceCeil(c.x); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("niceCeil(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

// TestLinkWithoutTheFile: a copied link over the visitor's own file says it
// does not carry it; opened without it, the page asks for the file and the
// widget gets a paused stand-in, not a run on other data.
func TestLinkWithoutTheFile(t *testing.T) {
	c, h, _ := newTest(t, "")
	u := c.st
	u.Data = "user"
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hashOf(c.st)}})
	c.OnFile(vjs.Value{}, false)
	c.OnLab(LabMsg{Type: "status", Status: Status{Data: "series.npy [train]", Hash: hashOf(u)}})
	if !strings.Contains(c.LinkWarning(), "does not carry series.npy") {
		t.Fatalf("link warning %q", c.LinkWarning())
	}
	c.CopyLink()
	if !strings.Contains(c.Note(), "does not carry") {
		t.Fatalf("copy note %q", c.Note())
	}
	i := strings.IndexByte(h.copied, '#')
	d, h2, _ := newTest(t, h.copied[i:])
	if d.st.Data != "user" || !strings.Contains(d.message, "cannot carry") {
		t.Fatalf("opened without the file: data %s, message %q", d.st.Data, d.message)
	}
	lab := mustParse(t, d.LabHash(), session.Default())
	if lab.Play || lab.Data == "user" {
		t.Fatalf("the widget is opened with %+v, want a paused stand-in", lab)
	}
	d.OnLab(LabMsg{Type: "ready", Status: Status{Hash: d.LabHash()}})
	d.OnLab(LabMsg{Type: "status", Status: Status{Hash: d.LabHash()}})
	if d.st.Data != "user" || len(h2.posts) != 0 {
		t.Fatalf("the page took over the stand-in: %+v, posts %v", d.st, h2.posts)
	}
	d.OnFile(vjs.Value{}, false)
	if len(h2.posts) != 2 || h2.posts[0]["type"] != "state" || h2.posts[1]["type"] != "load-data" {
		t.Fatalf("file for the link: posts %v", h2.posts)
	}
}

// TestLossPlotIsTheRunsRecord: two identical runs whose statuses come at
// different steps (the widget posts at most five a second, so where they
// fall depends on the machine) draw the same loss curve, the one of every
// recorded loss, thinned the same way; a status the page otherwise ignores
// (one from before a state it sent) still hands over its losses.
func TestLossPlotIsTheRunsRecord(t *testing.T) {
	const steps = 3000 // past maxHistory, so thinning happens
	losses := make([]float64, steps)
	for i := range losses {
		losses[i] = 1/(1+0.01*float64(i)) + 0.05*math.Sin(float64(i)/3)
	}
	play := func(every func(k int) int) *Root {
		c, _, _ := newTest(t, "")
		hash := hashOf(c.st)
		c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hash}})
		sent := 0
		for k := 0; k < steps; {
			k = min(steps, k+every(k))
			c.OnLab(LabMsg{Type: "status", Status: Status{Step: k, Until: steps, Loss: losses[k-1], Dstsp: math.NaN(), DH: math.NaN(),
				EvalStep: -1, Hash: hash, Run: 7, LossFrom: sent, Losses: losses[sent:k]}})
			sent = k
		}
		return c
	}
	a := play(func(int) int { return 37 })
	b := play(func(k int) int { return 1 + (k*7919)%211 })
	if a.LossPath() == "" || a.LossPath() != b.LossPath() || len(a.loss) != len(b.loss) {
		t.Fatalf("identical runs drew different loss curves (%d and %d points)", len(a.loss), len(b.loss))
	}
	if n := len(a.loss); n < maxHistory/2 || n > maxHistory || a.loss[n-1].Step != steps || a.loss[0].Step != 1 {
		t.Fatalf("history of %d points from step %d to %d", n, a.loss[0].Step, a.loss[n-1].Step)
	}

	// a status dropped while the page waits for its sent state still
	// carries losses the plot later takes
	c, _, _ := newTest(t, "")
	hash := hashOf(c.st)
	c.OnLab(LabMsg{Type: "ready", Status: Status{Hash: hash}})
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 10, Hash: hash, Run: 3, LossFrom: 0, Losses: losses[:10], EvalStep: -1}})
	c.OnControl("until", "9000") // continues the run; the page waits for the widget to report it
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 20, Hash: hash, Run: 3, LossFrom: 10, Losses: losses[10:20], EvalStep: -1}})
	if c.status.Step != 10 {
		t.Fatalf("the status from before the sent state was taken (step %d)", c.status.Step)
	}
	v := c.st
	c.OnLab(LabMsg{Type: "status", Status: Status{Step: 30, Hash: hashOf(v), Run: 3, LossFrom: 20, Losses: losses[20:30], EvalStep: -1}})
	if len(c.loss) != 30 || c.loss[29].Step != 30 || c.loss[15].Loss != losses[15] {
		t.Fatalf("after a dropped status: %d points", len(c.loss))
	}
}
