//go:build js

// Command lab is the site's training widget (lab.wasm): an ebiten program
// that builds a session from the URL hash, trains it a few milliseconds per
// frame, draws the attractor, series, latent, raster, loss and analysis
// views, and talks to its parent page through wasm/bridge as
// docs/protocol.md describes.
package main

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/rnnlab/rnnlab/site/view"
	"github.com/rnnlab/rnnlab/wasm/bridge"
	"github.com/rnnlab/rnnlab/wasm/session"
)

const (
	minBudget     = 4 * time.Millisecond   // training time per frame, at least
	maxBudget     = 12 * time.Millisecond  // and at most (see budget)
	statusEvery   = 200 * time.Millisecond // status at most 5 Hz
	lossRedraw    = 5 * time.Second        // the loss panel while training, besides evaluations
	hashDebounce  = 400 * time.Millisecond // write the hash this long after the last view change
	errorShownFor = 10 * time.Second
)

type game struct {
	sess *session.Session

	caches      map[string]*panelCache // offscreen panels (cache)
	cacheOrigin image.Point            // screen position of the panel being cached
	latUnit     int                    // latent unit of the cached latent panel
	lastUpdate  time.Time              // start of the previous Update
	lastTrain   time.Duration          // training time of the previous Update
	otherEMA    time.Duration          // running frame time outside training
	drawEMA     time.Duration          // running time of Draw
	lastFull    fullKey                // what the last full redraw showed
	lastAtt     attKey                 // what the attractor panel shows

	att  view.Attractor3D
	ts   view.TimeSeries
	lat  view.LatentUnit
	ras  view.Raster
	loss view.LossPlot
	bt   view.Batch

	errMsg  string
	errTime time.Time

	// analysis, computed on demand in the analysis view
	an      *session.Analysis
	anErr   error
	anStep  int // session version the analysis belongs to
	anCount int

	// rates
	frames, steps  int
	rateT          time.Time
	fps, stepsPerS float64

	lastStatus     time.Time
	lastStatusStep int
	lastRunning    bool
	lastEval       int
	lastFPS        float64
	lastFrame      frameKey
	lossRun        int // the run whose losses were posted, and how many
	lossSent       int

	lossShown   int       // the losses the loss panel shows
	lossVersion int       // and the session version
	lossAt      time.Time // and the time, then

	shownStep, shownLosses int       // the step and losses the last redraw showed
	shownAt                time.Time // and when

	hashDirty   bool
	hashChanged time.Time

	// pageControls (lab.html?controls=page, the home page): the page
	// shows the run's buttons, step counter and loss plots, so the widget
	// draws no bar and no loss panel in the dashboard.
	pageControls bool
	panels       string  // the drawn panels, for window.rnnlab.panels
	layoutW      float64 // the canvas's width in layout units

	in        view.Input
	w, h      int
	readySent bool
	contentR  image.Rectangle
	rects     map[string]image.Rectangle
}

func main() {
	g := &game{rateT: time.Now(), lastEval: -1, anStep: -2, rects: map[string]image.Rectangle{}}
	view.InputScale = bridge.RenderScale()
	g.pageControls = bridge.Query("controls") == "page"
	st, err := session.ParseHash(bridge.Hash(), session.Default())
	if err != nil {
		g.fail(err)
		st = session.Default()
	}
	sess, err := session.New(st)
	if err != nil {
		// A stand-in that does not train: the link's run on Lorenz-63 when
		// it needs the visitor's file (the error asks for it), else the
		// default run, paused either way.
		g.fail(err)
		alt := session.Default()
		if st.Data == "user" {
			alt = st
			alt.Data = "lorenz63"
		}
		alt.Play = false
		if sess, err = session.New(alt); err != nil {
			alt = session.Default()
			alt.Play = false
			if sess, err = session.New(alt); err != nil {
				panic(err)
			}
		}
	}
	g.setSession(sess)
	bridge.Listen()
	if u := bridge.Query("checkpoint"); u != "" {
		bridge.Fetch(u)
	}

	ebiten.SetRunnableOnUnfocused(true)
	// One Update per drawn frame: with a fixed TPS, ebiten runs several
	// Updates per slow frame to catch up, and each would train its budget
	// again, so a slow frame would make the next one slower.
	ebiten.SetTPS(ebiten.SyncWithFPS)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // Draw skips frames that would not change
	if err := ebiten.RunGame(g); err != nil {
		panic(err)
	}
}

// setSession installs a session and takes its view keys into the views.
func (g *game) setSession(s *session.Session) {
	g.sess = s
	g.applyView(s.State())
	g.an, g.anErr, g.anStep = nil, nil, -2
	g.lastEval = -1
	g.ras.Caption = s.SpikeSource()
}

func (g *game) applyView(st session.State) {
	g.att.Cam.Yaw, g.att.Cam.Pitch, g.att.Cam.Zoom = st.Yaw, st.Pitch, st.Zoom
	g.att.Spin = st.Spin
	g.lat.Unit = st.Unit
}

// fail reports an error to the parent and shows it in the canvas.
func (g *game) fail(err error) {
	g.errMsg, g.errTime = err.Error(), time.Now()
	bridge.PostError(err.Error())
}

// viewChanged writes the views' keys into the session's state and schedules
// the hash write.
func (g *game) viewChanged() {
	st := g.sess.State()
	st.Yaw, st.Pitch, st.Zoom = round3(g.att.Cam.Yaw), round3(g.att.Cam.Pitch), round3(g.att.Cam.Zoom)
	st.Spin = g.att.Spin
	st.Unit = g.lat.Unit
	g.sess.SetView(st)
	g.hashDirty, g.hashChanged = true, time.Now()
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func ms(d time.Duration) float64 { return round3(d.Seconds() * 1000) }

// ema is a running average with weight 1/10 for the newest value.
func ema(avg, v time.Duration) time.Duration {
	if avg == 0 {
		return v
	}
	return (9*avg + v) / 10
}

func (g *game) Update() error {
	// Commands apply between pieces of the session's work: while one is
	// in flight (a step of a large model spans frames), they wait, and the
	// session starts no other step until they have applied.
	if !g.sess.Busy() {
		g.drain()
	}
	g.sess.Hold(bridge.Pending() > 0)
	g.in = view.ReadInput()
	g.handleInput()

	t0 := time.Now()
	n, err := g.sess.Train(g.budget(t0))
	g.lastTrain = time.Since(t0)
	if err != nil {
		g.sess.Pause()
		g.fail(err)
	} else {
		g.steps += n
	}

	// The one rate the page shows as steps/s: steps the run advanced per
	// wall-clock second (over windows of at least a second), 0 while the
	// run does not train.
	now := time.Now()
	if dt := now.Sub(g.rateT); dt >= time.Second {
		g.fps = float64(g.frames) / dt.Seconds()
		g.stepsPerS = float64(g.steps) / dt.Seconds()
		g.frames, g.steps, g.rateT = 0, 0, now
	}
	if !g.sess.Running() {
		g.steps, g.stepsPerS = 0, 0
	}
	// The analysis (fixed points, cycles, Lyapunov spectrum) costs many
	// frames of work for a large model: it follows every evaluation in the
	// analysis view, and in the other views once training pauses or ends,
	// so the attractor shows the model's fixed points and cycles without
	// slowing training.
	if v := g.sess.State().View; v == "analysis" || (!g.sess.Running() && (v == "dashboard" || v == "attractor")) {
		g.updateAnalysis()
	}
	st := g.sess.Status()
	evalNew := st.EvalStep != g.lastEval
	changed := st.Step != g.lastStatusStep || st.Running != g.lastRunning || g.fps != g.lastFPS
	if evalNew || (changed || st.Running) && now.Sub(g.lastStatus) >= statusEvery {
		g.postStatus(st)
		g.lastStatus, g.lastStatusStep, g.lastRunning, g.lastEval, g.lastFPS = now, st.Step, st.Running, st.EvalStep, g.fps
	}
	if g.hashDirty && now.Sub(g.hashChanged) >= hashDebounce {
		bridge.SetHash(g.sess.State().Hash())
		g.hashDirty = false
	}
	if g.errMsg != "" && now.Sub(g.errTime) > errorShownFor {
		g.errMsg = ""
	}
	return nil
}

func (g *game) postStatus(st session.Status) {
	var evalStep any
	if st.EvalStep >= 0 {
		evalStep = st.EvalStep
	}
	from, losses := g.newLosses()
	bridge.Post(bridge.Msg{
		"type": "status", "view": g.sess.State().View, "step": st.Step, "until": st.Until,
		"loss": st.Loss, "dstsp": st.Dstsp, "dh": st.DH, "pe": st.PE, "running": st.Running,
		"stepsPerSec": round3(g.stepsPerS), "trainStepsPerSec": round3(st.StepsPerSec), "fps": round3(g.fps), "params": st.Params, "model": st.Model, "data": st.Data,
		"hash": g.sess.State().Hash(), "evalStep": evalStep,
		"trainMs": ms(g.lastTrain), "drawMs": ms(g.drawEMA), "frameMs": ms(g.otherEMA + g.lastTrain),
		"lossFrom": from, "losses": losses, "run": g.sess.Run(),
	})
}

// newLosses are the run's recorded losses not yet posted, and the index of
// the first: all of them after a new run or a loaded checkpoint.
func (g *game) newLosses() (from int, losses []float64) {
	l := g.sess.Loss()
	if g.lossRun != g.sess.Run() || g.lossSent > len(l) {
		g.lossRun, g.lossSent = g.sess.Run(), 0
	}
	from, g.lossSent = g.lossSent, len(l)
	return from, l[from:]
}

// drain applies the queued parent commands, between frames.
func (g *game) drain() { bridge.Drain("widget", g.apply, g.fail, nil) }

func (g *game) apply(c bridge.Command) error {
	switch c.Type {
	case "command":
		switch c.Cmd {
		case "play":
			return g.sess.Play()
		case "pause":
			g.sess.Pause()
		case "step":
			return g.sess.StepOnce()
		case "reset":
			return g.sess.Reset()
		default:
			return fmt.Errorf("unknown command %q", c.Cmd)
		}
	case "state", "hash":
		return g.setState(c.Hash)
	case "load-checkpoint", "fetched":
		if len(c.Bytes) == 0 {
			return fmt.Errorf("checkpoint %s: the file is empty (or the message carried no bytes); the run goes on as it was", c.Name)
		}
		if err := g.sess.LoadCheckpoint(c.Bytes); err != nil {
			return fmt.Errorf("checkpoint %s: %v", c.Name, err)
		}
		g.hashDirty, g.hashChanged = true, time.Now()
	case "fetch-error":
		return fmt.Errorf("checkpoint %s could not be fetched: %s; the run goes on as it was", c.Name, c.Err)
	case "load-data":
		if err := g.sess.LoadData(c.Name, c.Bytes); err != nil {
			return err // the session's errors name the file
		}
		g.hashDirty, g.hashChanged = true, time.Now()
	case "export":
		return g.export(c.What, c.Deliver, c.Steps)
	default:
		return fmt.Errorf("unknown message type %q", c.Type)
	}
	return nil
}

func (g *game) setState(hash string) error {
	st, err := session.ParseHash(hash, session.Default())
	if err != nil {
		return err
	}
	same := g.sess.State().SameRun(st)
	if err := g.sess.SetState(st); err != nil {
		return err
	}
	if same {
		g.applyView(g.sess.State())
	} else {
		g.setSession(g.sess)
	}
	bridge.SetHash(g.sess.State().Hash())
	g.postStatus(g.sess.Status())
	return nil
}

func (g *game) export(what, deliver string, steps int) error {
	var (
		b    []byte
		err  error
		name string
	)
	switch what {
	case "checkpoint", "":
		b, err = g.sess.ExportCheckpoint()
		name = g.sess.ExportName("safetensors")
	case "trajectory":
		b, err = g.sess.ExportTrajectory(steps)
		name = g.sess.ExportName("npy")
	default:
		return fmt.Errorf("export: unknown what %q (checkpoint or trajectory)", what)
	}
	if err != nil {
		return fmt.Errorf("export %s: %v", what, err)
	}
	switch deliver {
	case "", "download":
		bridge.Download(name, "application/octet-stream", b)
	case "message":
		bridge.PostFile(name, "application/octet-stream", b)
	default:
		return fmt.Errorf("export: unknown deliver %q (download or message)", deliver)
	}
	return nil
}

func (g *game) handleInput() {
	in := g.in
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeySpace):
		if g.sess.Running() {
			g.sess.Pause()
		} else if err := g.sess.Play(); err != nil {
			g.fail(err)
		}
		return
	case inpututil.IsKeyJustPressed(ebiten.KeyS) || inpututil.IsKeyJustPressed(ebiten.KeyPeriod):
		if err := g.sess.StepOnce(); err != nil {
			g.fail(err)
		}
		return
	case inpututil.IsKeyJustPressed(ebiten.KeyR):
		if err := g.sess.Reset(); err != nil {
			g.fail(err)
		}
		return
	}
	if g.keyCamera() {
		g.viewChanged()
	}
	if r, ok := g.rects["attractor"]; ok {
		g.att.Update(r, in)
		if g.att.UserChanged {
			g.viewChanged()
		}
	}
	if r, ok := g.rects["latent"]; ok {
		g.lat.Update(r, in, g.sess.M())
		if g.lat.UserChanged {
			g.viewChanged()
		}
	}
}

// keyCamera turns and zooms the 3-D view from the keyboard (arrow keys
// rotate, + and − zoom; held keys repeat), for visitors without a pointer;
// it reports whether the camera moved.
func (g *game) keyCamera() bool {
	held := func(k ebiten.Key) bool {
		d := inpututil.KeyPressDuration(k)
		return d == 1 || d > 15 && d%3 == 0
	}
	c := &g.att.Cam
	moved := true
	switch {
	case held(ebiten.KeyArrowLeft):
		c.Yaw = math.Mod(c.Yaw-0.1, 2*math.Pi)
	case held(ebiten.KeyArrowRight):
		c.Yaw = math.Mod(c.Yaw+0.1, 2*math.Pi)
	case held(ebiten.KeyArrowUp):
		c.Pitch = math.Max(-1.5, c.Pitch-0.1)
	case held(ebiten.KeyArrowDown):
		c.Pitch = math.Min(1.5, c.Pitch+0.1)
	case held(ebiten.KeyEqual) || held(ebiten.KeyNumpadAdd):
		c.Zoom = math.Min(8, c.Zoom*1.15)
	case held(ebiten.KeyMinus) || held(ebiten.KeyNumpadSubtract):
		c.Zoom = math.Max(0.2, c.Zoom/1.15)
	default:
		moved = false
	}
	return moved
}

func (g *game) Layout(ow, oh int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if !(s > 0) {
		s = 1
	}
	// A layout unit is one CSS pixel of the page: in the reduced-resolution
	// mode (lab.html shrinks the backing store by RenderScale) a unit is
	// s·RenderScale device pixels, so phone, laptop and projector layouts
	// are the same at every device pixel ratio (text is never drawn below
	// its native size, view.textScale).
	view.Scale = s * bridge.RenderScale()
	g.w, g.h = int(float64(ow)*s), int(float64(oh)*s)
	if lw := float64(g.w) / view.Scale; lw != g.layoutW {
		g.layoutW = lw
		bridge.SetLayoutWidth(lw)
	}
	return g.w, g.h
}

// layout places the bar (page text over the canvas, showBar) and the
// panels of the current view.
func (g *game) layout() (bar image.Rectangle) {
	U := func(v float64) int { return int(view.U(v)) }
	m := U(6)
	bh := U(26)
	if g.pageControls {
		bh = 0
	}
	bar = image.Rect(m, m, g.w-m, m+bh) // bridge.ShowBar's page text covers it
	c := image.Rect(m, bar.Max.Y+m, g.w-m, g.h-m)
	if g.pageControls {
		c.Min.Y = m
	}
	g.contentR = c
	clear(g.rects)
	v := g.sess.State().View
	switch v {
	case "dashboard", "":
		if c.Dy() > c.Dx() && float64(c.Dx()) < view.U(640) {
			// portrait (a phone): the panels stacked, latent and raster
			// side by side at the bottom
			y := c.Min.Y
			take := func(name string, frac int) {
				h := c.Dy() * frac / 100
				g.rects[name] = image.Rect(c.Min.X, y, c.Max.X, y+h-m)
				y += h
			}
			take("attractor", 40)
			take("series", 24)
			if !g.pageControls {
				take("loss", 16)
			}
			mid := c.Min.X + c.Dx()/2
			g.rects["latent"] = image.Rect(c.Min.X, y, mid-m/2, c.Max.Y)
			g.rects["raster"] = image.Rect(mid+m/2, y, c.Max.X, c.Max.Y)
			break
		}
		lw := c.Dx() * 58 / 100
		ah := c.Dy() * 66 / 100
		if g.pageControls {
			ah = c.Dy() // the page plots the loss
		}
		g.rects["attractor"] = image.Rect(c.Min.X, c.Min.Y, c.Min.X+lw, c.Min.Y+ah)
		if !g.pageControls {
			g.rects["loss"] = image.Rect(c.Min.X, c.Min.Y+ah+m, c.Min.X+lw, c.Max.Y)
		}
		rx := c.Min.X + lw + m
		sh := c.Dy() * 48 / 100
		lh := (c.Dy() - sh - 2*m) / 2
		g.rects["series"] = image.Rect(rx, c.Min.Y, c.Max.X, c.Min.Y+sh)
		g.rects["latent"] = image.Rect(rx, c.Min.Y+sh+m, c.Max.X, c.Min.Y+sh+m+lh)
		g.rects["raster"] = image.Rect(rx, c.Min.Y+sh+2*m+lh, c.Max.X, c.Max.Y)
	case "analysis":
		lw := c.Dx() * 60 / 100
		g.rects["attractor"] = image.Rect(c.Min.X, c.Min.Y, c.Min.X+lw, c.Max.Y)
		g.rects["analysis"] = image.Rect(c.Min.X+lw+m, c.Min.Y, c.Max.X, c.Max.Y)
	default:
		g.rects[v] = c
	}
	names := make([]string, 0, len(g.rects)+1)
	if !g.pageControls {
		names = append(names, "bar")
	}
	for _, k := range []string{"attractor", "series", "latent", "raster", "loss", "analysis"} {
		if _, ok := g.rects[k]; ok {
			names = append(names, k)
		}
	}
	if p := strings.Join(names, ","); p != g.panels {
		g.panels = p
		bridge.SetPanels(p)
	}
	return bar
}

// frameKey is everything a frame's pixels depend on besides a spinning
// camera; an unchanged key skips the redraw.
type frameKey struct {
	w, h, x, y, step, version, losses int
	down, running, spin               bool
	view, err                         string
	cam                               [3]float64
	unit                              int
	fps                               float64
	anCount                           int
}

func (g *game) Draw(screen *ebiten.Image) {
	t0 := time.Now()
	defer func() { g.drawEMA = ema(g.drawEMA, time.Since(t0)) }()
	g.frames++
	st := g.sess.Status()
	// While training, the step counter and the loss curve change every
	// frame; they are redrawn at most five times a second (statusEvery),
	// since in software WebGL any redraw costs full-canvas passes.
	step, losses := st.Step, len(g.sess.Loss())
	if st.Running && time.Since(g.shownAt) < statusEvery {
		step, losses = g.shownStep, g.shownLosses
	} else {
		g.shownStep, g.shownLosses, g.shownAt = step, losses, time.Now()
	}
	k := frameKey{g.w, g.h, g.in.X, g.in.Y, step, g.sess.Version(), losses, g.in.Down, st.Running, g.att.Spin,
		g.sess.State().View, g.errMsg, [3]float64{g.att.Cam.Yaw, g.att.Cam.Pitch, g.att.Cam.Zoom}, g.lat.Unit, math.Round(g.fps), g.anCount}
	if k == g.lastFrame && g.readySent && !g.att.Spin {
		return
	}
	g.lastFrame = k
	bar := g.layout()
	s := g.sess
	n, m := s.N(), s.M()
	truth, gen, lat := s.Truth(), s.Generated(), s.Latent()
	tT, tG, tL := rows(truth, n), rows(gen, n), rows(lat, m)

	// Software-rendered WebGL pays for every pixel drawn, so a frame redraws
	// only the panels whose content changed (the screen is kept between
	// frames); a new size, view, note or error message redraws everything.
	note := st.Note
	if st.Diverged {
		note = "diverged " + note
	}
	fk := fullKey{g.w, g.h, g.sess.State().View, g.errMsg, note}
	full := fk != g.lastFull || g.errMsg != ""
	if full {
		screen.Fill(view.Background)
		g.lastFull = fk
	}
	clearRect := func(r image.Rectangle) {
		if !full {
			screen.SubImage(r).(*ebiten.Image).Fill(view.Background)
		}
	}
	for name, r := range g.rects {
		switch name {
		case "attractor":
			g.att.SetData(truth, tT, gen, tG, n, s.Version())
			if g.an != nil && g.anStep == s.Version() {
				g.att.SetPoints(g.an.Points, g.anCount)
			} else {
				g.att.SetPoints(nil, -s.Version()) // stale: the model changed since
			}
			ak := attKey{s.Version(), g.anCount, [3]float64{g.att.Cam.Yaw, g.att.Cam.Pitch, g.att.Cam.Zoom}, g.att.Spin, r}
			if full || ak != g.lastAtt || g.in.In(r) {
				clearRect(r)
				g.att.Draw(screen, r, g.in)
				g.lastAtt = ak
				if note != "" {
					g.drawNote(screen)
				}
			}
		case "series":
			g.cache("series", screen, r, full, panelKey{version: s.Version()}, func(dst *ebiten.Image, r image.Rectangle) {
				g.ts.Draw(dst, r, truth, tT, gen, tG, n)
			})
		case "latent":
			if g.in.In(r) || g.lat.Unit != g.latUnit {
				g.latUnit = g.lat.Unit
				if c := g.caches["latent"]; c != nil {
					c.valid = false // buttons under the pointer, or a new unit
				}
			}
			g.cache("latent", screen, r, full, panelKey{version: s.Version(), n: g.lat.Unit}, func(dst *ebiten.Image, r image.Rectangle) {
				in := g.in
				in.X, in.Y = in.X-g.cacheOrigin.X, in.Y-g.cacheOrigin.Y
				g.lat.Draw(dst, r, in, lat, tL, m)
			})
		case "raster":
			g.cache("raster", screen, r, full, panelKey{version: s.Version()}, func(dst *ebiten.Image, r image.Rectangle) {
				g.ras.Caption = s.SpikeSource()
				g.ras.Draw(dst, r, s.Spikes(), s.SpikeUnits())
			})
		case "loss":
			// While training, the loss curve is redrawn at each evaluation
			// (when the other panels redraw too), at the first step and
			// every lossRedraw, not at every step: any change to the canvas costs software WebGL
			// a few frames of full-canvas passes (docs/performance.md);
			// the bar shows the current loss.
			if n := len(s.Loss()); !st.Running || n < g.lossShown || g.lossShown == 0 && n > 0 || s.Version() != g.lossVersion || time.Since(g.lossAt) >= lossRedraw {
				g.lossShown, g.lossVersion, g.lossAt = n, s.Version(), time.Now()
			}
			g.cache("loss", screen, r, full, panelKey{n: g.lossShown, evals: len(s.Evals()), version: s.Version()}, func(dst *ebiten.Image, r image.Rectangle) {
				g.loss.Draw(dst, r, s.Loss(), s.Evals())
			})
		case "analysis":
			g.cache("analysis", screen, r, full, panelKey{n: g.anCount, version: s.Version()}, func(dst *ebiten.Image, r image.Rectangle) {
				g.drawAnalysis(dst, r)
			})
		}
	}
	if _, ok := g.rects["attractor"]; !ok && note != "" && full {
		g.drawNote(screen)
	}
	if !g.pageControls {
		g.showBar(bar)
	}
	if g.errMsg != "" && !g.pageControls { // the page shows errors itself
		g.drawError(screen)
	}
	if !g.readySent {
		g.readySent = true
		bridge.MarkFirstFrame()
		bridge.Ready(s.State().View, s.State().Hash())
		g.postStatus(s.Status())
	}
}

// panelKey identifies what a cached panel shows; the panel is redrawn when
// it changes (or its rectangle does).
type panelKey struct {
	version, n, evals int
	r                 image.Rectangle
}

// cache draws a panel through an offscreen image that is redrawn only when
// key changes: the series, latent, raster and loss panels change at
// evaluations (or a few times a second), not at every frame, and software
// WebGL pays for every triangle.
func (g *game) cache(name string, screen *ebiten.Image, r image.Rectangle, full bool, key panelKey, draw func(dst *ebiten.Image, r image.Rectangle)) {
	if g.caches == nil {
		g.caches = map[string]*panelCache{}
	}
	c := g.caches[name]
	if c == nil {
		c = &panelCache{}
		g.caches[name] = c
	}
	key.r = r
	w, h := max(r.Dx(), 1), max(r.Dy(), 1)
	if c.img == nil || c.img.Bounds().Dx() != w || c.img.Bounds().Dy() != h {
		if c.img != nil {
			c.img.Deallocate()
		}
		c.img, c.valid = ebiten.NewImage(w, h), false
	}
	if c.valid && c.key == key && !full {
		return // on the screen already
	}
	if !c.valid || c.key != key {
		c.img.Fill(view.Background)
		g.cacheOrigin = r.Min
		draw(c.img, image.Rect(0, 0, w, h))
		c.key, c.valid = key, true
	}
	var op ebiten.DrawImageOptions
	op.Blend = ebiten.BlendCopy
	op.GeoM.Translate(float64(r.Min.X), float64(r.Min.Y))
	screen.DrawImage(c.img, &op)
}

// fullKey is what, when it changes, makes a frame redraw every panel.
type fullKey struct {
	w, h            int
	view, err, note string
}

// attKey is what the attractor panel's pixels depend on.
type attKey struct {
	version, points int
	cam             [3]float64
	spin            bool
	r               image.Rectangle
}

type panelCache struct {
	img   *ebiten.Image
	key   panelKey
	valid bool
}

// budget is the training time of the next frame: what is left of a
// 1/30 s frame after the last frame's drawing and browser work, between
// 4 and 12 ms, so the page stays near 30 frames per second however slow
// the drawing is and trains as fast as it can when drawing is cheap.
func (g *game) budget(now time.Time) time.Duration {
	if !g.lastUpdate.IsZero() {
		other := now.Sub(g.lastUpdate) - g.lastTrain
		g.otherEMA = ema(g.otherEMA, other)
	}
	g.lastUpdate = now
	return min(max(33*time.Millisecond-g.otherEMA, minBudget), maxBudget)
}

func rows(x []float64, n int) int {
	if n <= 0 {
		return 0
	}
	return len(x) / n
}

// Widths in the bar's page text (style.css: 12 px monospace, whose
// advance is 0.6 em), in CSS pixels.
const (
	barChar    = 7.2
	barButtons = 54 + 47 + 54 + 3*4 + 4 // pause, step, reset, the gaps and the progress's margin
)

// showBar shows the bar's buttons, progress and rate as page text over the
// canvas (bridge.ShowBar), in the rectangle the layout left for it: the
// canvas is not redrawn when the step counter or the loss change.
func (g *game) showBar(bar image.Rectangle) {
	st := g.sess.Status()
	frac := 0.0
	if st.Until > 0 {
		frac = float64(st.Step) / float64(st.Until)
	}
	width := func(s string) float64 { return float64(len([]rune(s)))*barChar + 12 }
	w := float64(bar.Dx()) / view.Scale
	label := "step " + strconv.Itoa(st.Step) + " / " + strconv.Itoa(st.Until) + "   loss " + view.Fmt(st.Loss)
	if st.EvalStep >= 0 {
		label += "   D_stsp " + view.Fmt(st.Dstsp) + "   D_H " + view.Fmt(st.DH)
	}
	// The progress label comes first: the rate on the right takes the
	// longest form that leaves the bar room for the whole label, or goes.
	need := math.Max(260, width(label))
	right := ""
	for _, r := range []string{
		fmt.Sprintf("%s   %.0f fps  %.0f steps/s", st.Model, g.fps, g.stepsPerS),
		fmt.Sprintf("%.0f fps  %.0f steps/s", g.fps, g.stepsPerS),
		fmt.Sprintf("%.0f steps/s", g.stepsPerS),
	} {
		if w-barButtons-width(r) >= need {
			right = r
			break
		}
	}
	// Whole fields go from the end where the label does not fit (the page
	// measures them, bridge.ShowBar), never half a number ("loss 5.0e").
	bridge.ShowBar(bridge.Bar{
		Left: float64(bar.Min.X) / view.Scale, Top: float64(bar.Min.Y) / view.Scale,
		Width: w, Height: float64(bar.Dy()) / view.Scale,
		Running: st.Running, Frac: frac, Label: label, Right: right,
	})
}

// drawNote writes the session's note (and divergence) at the bottom of the
// attractor panel, or of the content area.
func (g *game) drawNote(dst *ebiten.Image) {
	st := g.sess.Status()
	note, c := st.Note, view.AccentColor
	if st.Diverged {
		note, c = "the generated trajectory diverged", view.ErrorColor
		if st.Note != "" {
			note += ": " + st.Note
		}
	}
	if note == "" {
		return
	}
	r, ok := g.rects["attractor"]
	if !ok {
		r = g.contentR
	}
	lines := wrap(note, int((float64(r.Dx())-view.U(20))/view.TextWidth("x")))
	y := float64(r.Max.Y) - view.U(6) - float64(len(lines)+1)*view.LineHeight()
	for _, l := range lines {
		view.Text(dst, l, float64(r.Min.X)+view.U(6), y, c)
		y += view.LineHeight()
	}
}

func (g *game) drawError(dst *ebiten.Image) {
	c := g.contentR
	lines := wrap(g.errMsg, int((float64(c.Dx())-view.U(24))/view.TextWidth("x")))
	h := float64(len(lines))*view.LineHeight() + view.U(12)
	x, y := float64(c.Min.X)+view.U(8), float64(c.Max.Y)-h-view.U(8)
	w := float64(c.Dx()) - view.U(16)
	g.bt.Rect(x, y, w, h, view.Background)
	g.bt.Frame(x, y, w, h, math.Max(1, view.U(1)), view.ErrorColor)
	g.bt.Flush(dst)
	for i, l := range lines {
		view.Text(dst, l, x+view.U(8), y+view.U(6)+float64(i)*view.LineHeight(), view.ErrorColor)
	}
}

// wrap breaks s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	if n < 8 {
		n = 8
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			for len(w) > n {
				if line != "" {
					out, line = append(out, line), ""
				}
				out, w = append(out, w[:n]), w[n:]
			}
			switch {
			case line == "":
				line = w
			case len(line)+1+len(w) <= n:
				line += " " + w
			default:
				out, line = append(out, line), w
			}
		}
		out = append(out, line)
	}
	if len(out) > 4 {
		out = append(out[:3], "...")
	}
	return out
}

// updateAnalysis asks the session for the analysis of its current model,
// which its work computes over the next frames, and takes it once there.
func (g *game) updateAnalysis() {
	if g.sess.Version() == g.anStep {
		return
	}
	g.sess.RequestAnalysis()
	if a, err, ok := g.sess.CurrentAnalysis(); ok {
		g.anStep = g.sess.Version()
		g.an, g.anErr = a, err
		g.anCount++
	}
}

func (g *game) drawAnalysis(dst *ebiten.Image, r image.Rectangle) {
	in := view.Panel(dst, &g.bt, r, "analysis")
	x, y := float64(in.Min.X), float64(in.Min.Y)
	lh := view.LineHeight()
	line := func(s string, c any) {
		if y+lh > float64(in.Max.Y) {
			return
		}
		col := view.TextColor
		if c != nil {
			col = view.DimColor
		}
		view.Text(dst, view.Fit(s, float64(in.Dx())), x, y, col)
		y += lh
	}
	if g.anErr != nil {
		for _, l := range wrap(g.anErr.Error(), int(float64(in.Dx())/view.TextWidth("x"))) {
			view.Text(dst, l, x, y, view.ErrorColor)
			y += lh
		}
		return
	}
	a := g.an
	if a == nil {
		line("no analysis yet", 1)
		return
	}
	line("at step "+strconv.Itoa(a.Step), 1)
	y += lh / 2
	line("Lyapunov spectrum (per step)", 1)
	line("  "+floats(a.Lyapunov), nil)
	if a.LyapDt != nil {
		line("per unit time", 1)
		line("  "+floats(a.LyapDt), nil)
	}
	line("Kaplan-Yorke dimension  "+view.Fmt(a.KY), nil)
	if !math.IsNaN(a.TrueL1) {
		line("true λ1 (per unit time)  "+view.Fmt(a.TrueL1), nil)
	}
	y += lh / 2
	line(strconv.Itoa(len(a.Points))+" fixed / cycle points", 1)
	for _, p := range a.Points {
		kind := "stable  "
		if !p.Stable {
			kind = "unstable"
		}
		per := "fixed point"
		if p.Period > 1 {
			per = strconv.Itoa(p.Period) + "-cycle"
		}
		line(fmt.Sprintf("  %-11s %s |λ|max %s  at %s", per, kind, view.Fmt(p.Radius), floats(p.X)), nil)
	}
}

func floats(v []float64) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteString(" ")
		}
		if i == 6 && len(v) > 7 {
			b.WriteString("...")
			break
		}
		b.WriteString(view.Fmt(x))
	}
	if len(v) == 0 {
		return "-"
	}
	return b.String()
}
