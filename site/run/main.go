//go:build js

// Command run is the site's run widget (run.wasm): an ebiten program that
// runs any registered kind of run (rules/run, through wasm/runs) from the
// URL hash, trains it a few milliseconds per frame, draws its report's
// figures (lines, heat maps, rasters) and a live progress figure, and
// talks to its page through wasm/bridge as docs/protocol.md describes.
// run.html around it builds the settings controls from the kinds' flags
// (window.rnnlab.kinds and window.rnnlab.run, which this program fills).
package main

import (
	"fmt"
	"image"
	"math"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/site/view"
	"github.com/rnnlab/rnnlab/wasm/bridge"
	"github.com/rnnlab/rnnlab/wasm/runs"

	_ "github.com/rnnlab/rnnlab/rules/kinds"
)

const (
	minBudget     = 4 * time.Millisecond   // training time per frame, at least
	maxBudget     = 12 * time.Millisecond  // and at most
	statusEvery   = 200 * time.Millisecond // status at most 5 Hz
	liveEvery     = 200 * time.Millisecond // the live figure is redrawn at most 5 Hz
	liveKindEvery = 33 * time.Millisecond  // a kind's run.Live figures at most 30 Hz (training goes on between)
	errorShownFor = 10 * time.Second
)

type game struct {
	drv      *runs.Driver
	base     []byte // the loaded run file the settings apply over (nil: the kind's defaults)
	baseName string
	env      run.Env
	fetches  map[string]string // URL → what it is ("checkpoint" or "config")

	figs map[string]*cachedFigure

	errMsg  string
	errTime time.Time

	lastUpdate          time.Time
	lastTrain           time.Duration
	otherEMA, drawEMA   time.Duration
	frames              int
	rateT               time.Time
	fps                 float64
	lastStatus          time.Time
	lastStatusKey       string
	lastReport          *run.Report
	lastHash            string
	liveT               time.Time
	liveStep            int
	lastFrame           frameKey
	lastFull            fullKey
	panels              string
	readySent, viewWarn bool
	runVersion          int // counts the drivers, for window.rnnlab.run
	resync              int // counts refused states, after which run.html shows the run again

	w, h int
}

type cachedFigure struct {
	img     *ebiten.Image
	key     figKey // what img shows
	blitted figKey // what the screen shows
	panel   figurePanel
}

type figKey struct {
	rep     *run.Report
	live    int
	r       image.Rectangle
	caption string
	probe   int // the probe's version and frame, for its figures
}

func main() {
	g := &game{env: run.Env{Workers: 1}, fetches: map[string]string{}, figs: map[string]*cachedFigure{}, rateT: time.Now(), liveStep: -1}
	setGlobal("kinds", runs.Plain(runs.Kinds())) // before the first run, which run.html's controls show
	st, err := runs.ParseHash(bridge.Hash())
	if err != nil {
		g.fail(err)
		st = runs.State{Kind: runs.DefaultKind()}
	}
	if err := g.start(st, nil, ""); err != nil {
		g.fail(err)
		// the kind at its defaults, paused; else the default kind
		if err := g.start(runs.State{Kind: st.Kind, View: st.View}, nil, ""); err != nil {
			if err := g.start(runs.State{Kind: runs.DefaultKind()}, nil, ""); err != nil {
				panic(err)
			}
		}
	}
	bridge.Listen()
	for _, what := range []string{"checkpoint", "config"} {
		if u := bridge.Query(what); u != "" {
			g.fetches[u] = what
			bridge.Fetch(u)
		}
	}
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetTPS(ebiten.SyncWithFPS) // one Update per frame (site/lab says why)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(g); err != nil {
		panic(err)
	}
}

// start replaces the run by a new one of st over base (a run file, or nil).
func (g *game) start(st runs.State, base []byte, baseName string) error {
	if base == nil { // a fresh run: sized for the page unless the link says otherwise
		var err error
		if st, err = st.WithBrowser(); err != nil {
			return err
		}
	}
	d, err := runs.New(st, base, g.env)
	if err != nil {
		return err
	}
	g.install(d, base, baseName)
	if e := d.ProbeError(); e != "" {
		g.fail(fmt.Errorf("probe: %s", e))
	}
	return nil
}

func (g *game) install(d *runs.Driver, base []byte, baseName string) {
	g.drv, g.base, g.baseName = d, base, baseName
	g.lastReport, g.viewWarn = nil, false
	g.runVersion++
	g.publishRun()
	g.writeHash()
}

// publishRun tells run.html what runs (window.rnnlab.run: the kind, its
// flags with the running values, the settings, the hash) and calls its
// window.rnnlabRunChanged to rebuild the controls.
func (g *game) publishRun() {
	st := g.drv.State()
	var settings []any
	for _, s := range st.Settings {
		settings = append(settings, map[string]any{"key": s.Key, "value": s.Value})
	}
	setGlobal("run", map[string]any{
		"kind": st.Kind, "flags": runs.Plain(g.drv.FlagValues()), "settings": settings, "hash": st.Hash(),
		"view": st.View, "every": st.Every, "file": g.baseName, "version": g.runVersion, "resync": g.resync,
		"probe": g.drv.CanProbe(), "tunable": runs.Plain(g.drv.Tunable()), "live": g.drv.HasLive(),
	})
	if f := js.Global().Get("rnnlabRunChanged"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
}

func setGlobal(key string, v any) {
	r := js.Global().Get("rnnlab")
	if r.Type() != js.TypeObject {
		r = js.Global().Get("Object").New()
		js.Global().Set("rnnlab", r)
	}
	r.Set(key, js.ValueOf(v))
}

func (g *game) writeHash() {
	if h := g.drv.State().Hash(); h != g.lastHash {
		bridge.SetHash(h)
		g.lastHash = h
	}
}

// fail reports an error to the parent and shows it in the canvas.
func (g *game) fail(err error) {
	g.errMsg, g.errTime = err.Error(), time.Now()
	bridge.PostError(err.Error())
}

func ema(avg, v time.Duration) time.Duration {
	if avg == 0 {
		return v
	}
	return (9*avg + v) / 10
}

func ms(d time.Duration) float64 { return math.Round(d.Seconds()*1e6) / 1000 }

func (g *game) Update() error {
	g.drain()
	g.keys()
	now := time.Now()
	if !g.lastUpdate.IsZero() {
		g.otherEMA = ema(g.otherEMA, now.Sub(g.lastUpdate)-g.lastTrain)
	}
	g.lastUpdate = now
	budget := min(max(33*time.Millisecond-g.otherEMA, minBudget), maxBudget)
	if !g.readySent {
		return nil // the first frame is drawn before any training or evaluation
	}
	_, err := g.drv.Frame(budget)
	g.lastTrain = time.Since(now)
	if err != nil {
		g.fail(err)
	}
	now = time.Now()
	if dt := now.Sub(g.rateT); dt >= time.Second {
		g.fps = float64(g.frames) / dt.Seconds()
		g.frames, g.rateT = 0, now
	}
	st := g.drv.Status()
	rep := g.drv.Report()
	key := fmt.Sprint(st.Step, st.Running, st.Done, st.Error, math.Round(g.fps))
	if rep != g.lastReport || key != g.lastStatusKey && now.Sub(g.lastStatus) >= statusEvery || st.Running && now.Sub(g.lastStatus) >= statusEvery {
		g.postStatus()
		g.lastStatus, g.lastStatusKey = now, key
	}
	if rep != g.lastReport {
		g.lastReport = rep
		if rep != nil {
			g.postReport(rep)
		}
	}
	g.writeHash()
	if g.errMsg != "" && now.Sub(g.errTime) > errorShownFor {
		g.errMsg = ""
	}
	return nil
}

func (g *game) postStatus() {
	m, _ := runs.Plain(g.drv.Status()).(map[string]any)
	msg := bridge.Msg(m)
	msg["type"] = "status"
	msg["fps"] = math.Round(g.fps*10) / 10
	msg["trainMs"] = ms(g.lastTrain)
	msg["drawMs"] = ms(g.drawEMA)
	msg["frameMs"] = ms(g.otherEMA + g.lastTrain)
	msg["file"] = g.baseName
	// the memory the program holds (the page's budget: a 128-unit plastic
	// network within 256 MB): WebAssembly linear memory taken, live heap
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	msg["memSysMB"] = math.Round(float64(ms.Sys)/(1<<20)*10) / 10
	msg["heapMB"] = math.Round(float64(ms.HeapInuse)/(1<<20)*10) / 10
	bridge.Post(msg)
}

// postReport posts an evaluation's metrics, notes, tables and details
// (the figures by name; their data stays in window.rnnlab.report).
func (g *game) postReport(rep *run.Report) {
	full, _ := runs.Plain(rep).(map[string]any)
	setGlobal("report", full)
	msg := bridge.Msg{"type": "report", "kind": rep.Kind, "step": rep.Step}
	for _, k := range []string{"Metrics", "Notes", "Tables", "Details"} {
		msg[strings.ToLower(k)] = full[k]
	}
	metrics := map[string]any{}
	for _, v := range rep.Metrics {
		metrics[v.Name] = runs.Plain(v.Value)
	}
	msg["metrics"] = metrics
	var names []any
	for _, f := range rep.Figures {
		names = append(names, f.Name)
	}
	msg["figures"] = names
	bridge.Post(msg)
}

// drain applies the queued messages, between frames, posting the status
// after each.
func (g *game) drain() { bridge.Drain("run widget", g.apply, g.fail, g.postStatus) }

func (g *game) apply(c bridge.Command) error {
	switch c.Type {
	case "command":
		switch c.Cmd {
		case "play":
			return g.drv.Play()
		case "pause":
			g.drv.Pause()
		case "step":
			return g.drv.Step()
		case "reset":
			return g.drv.Reset()
		case "evaluate":
			return g.drv.Evaluate()
		case "probe-pick":
			_, err := g.drv.PickProbe()
			g.writeHash()
			return err
		default:
			return fmt.Errorf("unknown command %q (play, pause, step, reset, evaluate or probe-pick)", c.Cmd)
		}
	case "state", "hash":
		err := g.setState(c.Hash)
		if err != nil {
			// the page's controls and hash go back to the running run
			g.resync++
			g.lastHash = ""
			g.publishRun()
			g.writeHash()
		}
		return err
	case "load-checkpoint":
		return g.loadCheckpoint(c.Name, c.Bytes)
	case "load-config":
		return g.loadConfig(c.Name, c.Bytes)
	case "fetched":
		if g.fetches[c.Name] == "config" {
			return g.loadConfig(c.Name, c.Bytes)
		}
		return g.loadCheckpoint(c.Name, c.Bytes)
	case "fetch-error":
		return fmt.Errorf("%s %s could not be fetched: %s; the run goes on as it was", g.fetches[c.Name], c.Name, c.Err)
	case "export":
		return g.export(c.What, c.Deliver)
	default:
		return fmt.Errorf("unknown message type %q", c.Type)
	}
	return nil
}

// setState applies a hash: view, play and every at once; other changes
// start a new run (over the loaded run file while the kind stays).
func (g *game) setState(hash string) error {
	st, err := runs.ParseHash(hash)
	if err != nil {
		return err
	}
	if g.drv.State().SameRun(st) {
		err := g.drv.SetView(st)
		g.viewWarn = false
		g.publishRun()
		g.writeHash()
		return err
	}
	// tunable settings change the running run (run.Tuner)
	if msgs, ok, err := g.drv.TuneTo(st); ok {
		for _, m := range msgs {
			bridge.Post(bridge.Msg{"type": "tuned", "message": m})
		}
		if err == nil {
			err = g.drv.SetView(g.drv.State().WithPage(st))
		}
		g.viewWarn = false
		g.publishRun()
		g.writeHash()
		if err != nil {
			g.resync++
			g.lastHash = ""
			g.publishRun()
			g.writeHash()
		}
		return err
	}
	base, name := g.base, g.baseName
	if st.Kind != g.drv.Kind().Name {
		base, name = nil, ""
	}
	return g.start(st, base, name)
}

func (g *game) loadCheckpoint(name string, b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("checkpoint %s: the file is empty (or the message carried no bytes); the run goes on as it was", name)
	}
	d, err := runs.Resume(b, g.drv.State(), g.env)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %v; the run goes on as it was", name, err)
	}
	g.install(d, d.Base(), name)
	return nil
}

// loadConfig starts the run of a run file; the hash gets its settings
// over the kind's defaults (runs.FromFile), so a link gives it again.
func (g *game) loadConfig(name string, b []byte) error {
	d, err := runs.FromFile(b, g.drv.State(), g.env)
	if err != nil {
		return fmt.Errorf("run file %s: %v; the run goes on as it was", name, err)
	}
	g.install(d, d.Base(), name)
	return nil
}

func (g *game) export(what, deliver string) error {
	st := g.drv.Status()
	stem := fmt.Sprintf("rnnlab-%s-%s%d", st.Kind, st.Unit, st.Step)
	var (
		b          []byte
		err        error
		name, mime string
	)
	switch what {
	case "checkpoint", "":
		b, err = g.drv.Checkpoint()
		name, mime = stem+".safetensors", "application/octet-stream"
	case "report":
		rep := g.drv.Report()
		if rep == nil {
			return fmt.Errorf("export report: the run has not been evaluated yet")
		}
		b, err = runs.PlainJSON(rep)
		name, mime = fmt.Sprintf("rnnlab-%s-report-%s%d.json", rep.Kind, st.Unit, rep.Step), "application/json"
	default:
		return fmt.Errorf("export: unknown what %q (checkpoint or report)", what)
	}
	if err != nil {
		return fmt.Errorf("export %s: %v", what, err)
	}
	switch deliver {
	case "", "download":
		bridge.Download(name, mime, b)
	case "message":
		bridge.PostFile(name, mime, b)
	default:
		return fmt.Errorf("export: unknown deliver %q (download or message)", deliver)
	}
	return nil
}

// keys: Space play/pause, S or . one unit, R reset, E evaluate (while the
// canvas has the focus; run.html's buttons do the same).
func (g *game) keys() {
	var err error
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeySpace):
		if g.drv.Running() {
			g.drv.Pause()
		} else {
			err = g.drv.Play()
		}
	case inpututil.IsKeyJustPressed(ebiten.KeyS) || inpututil.IsKeyJustPressed(ebiten.KeyPeriod):
		err = g.drv.Step()
	case inpututil.IsKeyJustPressed(ebiten.KeyR):
		err = g.drv.Reset()
	case inpututil.IsKeyJustPressed(ebiten.KeyE):
		err = g.drv.Evaluate()
	default:
		return
	}
	if err != nil {
		g.fail(err)
	}
	g.postStatus()
}

func (g *game) Layout(ow, oh int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if !(s > 0) {
		s = 1
	}
	// In software-rendered WebGL run.html asks for a smaller screen
	// (bridge.RenderScale), which ebiten scales up to the canvas: every
	// offscreen pass costs per pixel there. A layout unit stays one CSS
	// pixel.
	view.Scale = s * bridge.RenderScale()
	g.w, g.h = int(float64(ow)*view.Scale), int(float64(oh)*view.Scale)
	return g.w, g.h
}

// frameKey is what a frame's pixels depend on; an unchanged key skips the
// redraw.
type frameKey struct {
	w, h      int
	rep       *run.Report
	live      int
	err, view string
	probe     int
	tune      string
}

// probeKey changes with the run, the probe read and the frame shown (a
// new run counts its probes from 0 again).
func (g *game) probeKey() int {
	return g.runVersion*1_000_000 + g.drv.ProbeVersion()*1000 + g.drv.State().Frame
}

// tuneKey changes with the run's settings (tunings redraw the live figures).
func (g *game) tuneKey() string { return g.drv.State().Hash() }

// fullKey is what, when it changes, redraws the whole screen; otherwise a
// frame redraws the status line and the figures whose content changed.
type fullKey struct {
	w, h       int
	view, figs string
	err        string
	runVersion int
}

func (g *game) Draw(screen *ebiten.Image) {
	t0 := time.Now()
	defer func() { g.drawEMA = ema(g.drawEMA, time.Since(t0)) }()
	g.frames++
	st := g.drv.Status()
	// the live figure follows the units, at most five times a second
	if st.Step != g.liveStep && (time.Since(g.liveT) >= liveEvery || !st.Running) {
		g.liveStep, g.liveT = st.Step, time.Now()
	}
	if g.drv.HasLive() && st.Step != g.liveStep && time.Since(g.liveT) >= liveKindEvery { // a live kind scrolls
		g.liveStep, g.liveT = st.Step, time.Now()
	}
	k := frameKey{g.w, g.h, g.drv.Report(), g.liveStep*1000 + g.runVersion, g.errMsg, g.drv.State().View, g.probeKey(), g.tuneKey()}
	if k == g.lastFrame && g.readySent {
		return
	}
	g.lastFrame = k
	figs := g.drv.Figures()
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	v := g.drv.State().View
	errShown := ""
	if v != "" {
		errShown = g.errMsg
	}
	fk := fullKey{g.w, g.h, v, strings.Join(names, ","), errShown, g.runVersion}
	full := fk != g.lastFull || errShown != "" || !g.readySent
	g.lastFull = fk
	if full {
		screen.Fill(view.Background)
	}
	m := int(view.U(6))
	content := image.Rect(m, m, g.w-m, g.h-m)
	var drawn []string
	if v != "" {
		var f *run.Figure
		for i := range figs {
			if figs[i].Name == v {
				f = &figs[i]
			}
		}
		if f == nil {
			if !full {
				screen.SubImage(content).(*ebiten.Image).Fill(view.Background)
			}
			g.noFigure(screen, content, v, figs)
		} else {
			g.drawFigure(screen, content, f, st, full)
			drawn = append(drawn, f.Name)
		}
	} else {
		cols, rows := grid(len(figs), content.Dx(), content.Dy())
		if cols > 0 {
			cw, rh := (content.Dx()+m)/cols, (content.Dy()+m)/rows
			for i := range figs {
				x, y := content.Min.X+(i%cols)*cw, content.Min.Y+(i/cols)*rh
				g.drawFigure(screen, image.Rect(x, y, x+cw-m, y+rh-m), &figs[i], st, full)
				drawn = append(drawn, figs[i].Name)
			}
		}
	}
	if p := strings.Join(drawn, ","); p != g.panels {
		g.panels = p
		bridge.SetPanels(p)
	}
	if g.errMsg != "" && v != "" { // the page shows errors in its status line
		g.drawError(screen, content)
	}
	if !g.readySent {
		g.readySent = true
		bridge.MarkFirstFrame()
		bridge.Ready(g.drv.State().View, g.drv.State().Hash())
		g.postStatus()
	}
}

// drawFigure draws a figure through its offscreen image, which is redrawn
// when its content (the report, or the live figure's unit) or rectangle
// changes, and blitted when it was redrawn or the frame is a full one.
func (g *game) drawFigure(screen *ebiten.Image, r image.Rectangle, f *run.Figure, st runs.Status, full bool) {
	c := g.figs[f.Name]
	if c == nil {
		c = &cachedFigure{}
		g.figs[f.Name] = c
	}
	rep := g.drv.Report()
	caption := ""
	key := figKey{rep: rep, r: r}
	if f.Name == runs.LiveName && (rep == nil || !hasFigure(rep, f.Name)) || f.Name != runs.LiveName && g.drv.IsLive(f.Name) {
		key.rep, key.live = nil, g.liveStep*1000+g.runVersion
		caption = st.Unit + " " + strconv.Itoa(st.Step)
		if f.Name != runs.LiveName {
			key.caption = g.tuneKey()
		}
	} else if strings.HasPrefix(f.Name, "probe-") {
		key.rep, key.probe = nil, g.probeKey()
		if p := st.Probe; p != nil {
			caption = fmt.Sprintf("character %d of %d", p.Frame, len(p.Frames))
		}
	} else if rep != nil {
		caption = "at " + st.Unit + " " + strconv.Itoa(rep.Step)
	}
	key.caption += caption
	w, h := max(r.Dx(), 1), max(r.Dy(), 1)
	if c.img == nil || c.img.Bounds().Dx() != w || c.img.Bounds().Dy() != h {
		if c.img != nil {
			c.img.Deallocate()
		}
		c.img, c.key = ebiten.NewImage(w, h), figKey{}
	}
	if c.key != key {
		c.img.Fill(view.Background)
		c.panel.draw(c.img, image.Rect(0, 0, w, h), f, caption)
		c.key = key
	} else if !full && c.blitted == key {
		return // on the screen already
	}
	var op ebiten.DrawImageOptions
	op.Blend = ebiten.BlendCopy
	op.GeoM.Translate(float64(r.Min.X), float64(r.Min.Y))
	screen.DrawImage(c.img, &op)
	c.blitted = key
}

func hasFigure(rep *run.Report, name string) bool {
	for _, f := range rep.Figures {
		if f.Name == name {
			return true
		}
	}
	return false
}

// noFigure fills the widget whose view names a figure the run does not
// have (yet): before the first evaluation it waits; after it, it says
// which figures there are.
func (g *game) noFigure(screen *ebiten.Image, r image.Rectangle, name string, figs []run.Figure) {
	var have []string
	for _, f := range figs {
		have = append(have, f.Name)
	}
	msg := "waiting for the first evaluation…"
	if g.drv.Report() != nil {
		msg = fmt.Sprintf("this %s run has no figure %q; its figures are %s", g.drv.Kind().Name, name, strings.Join(have, ", "))
		if !g.viewWarn {
			g.viewWarn = true
			bridge.PostError("view: " + msg)
		}
	}
	var b view.Batch
	in := view.Panel(screen, &b, r, name)
	y := float64(in.Min.Y+in.Dy()/2) - view.LineHeight()
	for _, l := range view.WrapText(msg, float64(in.Dx()), 3) {
		view.TextCentre(screen, l, float64(in.Min.X+in.Dx()/2), y, view.DimColor)
		y += view.LineHeight()
	}
}

func (g *game) drawError(dst *ebiten.Image, c image.Rectangle) {
	lines := view.WrapText(g.errMsg, float64(c.Dx())-view.U(24), 4)
	h := float64(len(lines))*view.LineHeight() + view.U(12)
	x, y := float64(c.Min.X)+view.U(8), float64(c.Max.Y)-h-view.U(8)
	w := float64(c.Dx()) - view.U(16)
	var b view.Batch
	b.Rect(x, y, w, h, view.Background)
	b.Frame(x, y, w, h, math.Max(1, view.U(1)), view.ErrorColor)
	b.Flush(dst)
	for i, l := range lines {
		view.Text(dst, l, x+view.U(8), y+view.U(6)+float64(i)*view.LineHeight(), view.ErrorColor)
	}
}
