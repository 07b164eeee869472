//go:build js && wasm

package main

import (
	"errors"
	"math"
	"strings"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"

	"github.com/vugu/vugu"
	vjs "github.com/vugu/vugu/js"
)

// browser is the host in a page: dom/v2 for the window, document, hash,
// events; syscall/js where dom/v2 has no API (posting objects
// with ArrayBuffers, history.replaceState, Blob.arrayBuffer, the clipboard, Blob downloads).
type browser struct {
	win  dom.Window
	doc  dom.Document
	ee   vugu.EventEnv
	jobs chan job
}

// job is a function to run under the render lock; quiet ones may leave
// the render to a later job (statusRenderEvery).
type job struct {
	fn    func()
	quiet bool
}

// statusRenderEvery is how often, at most, the page renders for the
// statuses of a training run. The widget sends five a second, and each
// render (the whole page built and diffed, the loss plots' paths redrawn)
// runs in the thread the widget trains and draws in, so it lengthens the
// frame it falls in (tens of milliseconds of a loaded machine's frame:
// docs/performance.md, issue 12); the numbers it changes can wait a
// second. Any other message renders at once.
const statusRenderEvery = time.Second

func newBrowser(ee vugu.EventEnv) *browser {
	w := dom.GetWindow()
	b := &browser{win: w, doc: w.Document(), ee: ee, jobs: make(chan job, 4096)}
	go b.run()
	return b
}

// do runs fn under the render lock and renders after it; jobs run one at
// a time in the order they came.
func (b *browser) do(fn func()) { b.jobs <- job{fn: fn} }

// doQuiet runs fn under the render lock and renders within
// statusRenderEvery of the last render.
func (b *browser) doQuiet(fn func()) { b.jobs <- job{fn: fn, quiet: true} }

func (b *browser) run() {
	var last time.Time
	armed := false
	for j := range b.jobs {
		b.ee.Lock()
		if j.fn != nil {
			j.fn()
		}
		if wait := statusRenderEvery - time.Since(last); j.quiet && wait > 0 {
			b.ee.UnlockOnly()
			if !armed {
				armed = true
				time.AfterFunc(wait, func() { b.jobs <- job{} })
			}
			continue
		}
		if j.fn == nil {
			armed = false
		}
		last = time.Now()
		b.ee.UnlockRender()
	}
}

func (b *browser) pageHash() string { return b.win.Location().Hash() }

// lab is the lab iframe element (js.Null() if the page has none).
func (b *browser) lab() js.Value { return js.Global().Get("document").Call("getElementById", "lab") }

func (b *browser) origin() string {
	o := b.win.Location().Get("origin").String()
	if o == "" || o == "null" {
		return "*" // file: pages
	}
	return o
}

// start opens the lab iframe on the shell's state (unless the page's
// inline script already did), listens to the lab, the hash and dropped
// files, and replays the messages the page's script kept while the shell
// was loading.
func (b *browser) start(c *Root) {
	if lab := b.lab(); lab.Truthy() && !lab.Call("hasAttribute", "src").Bool() {
		lab.Call("setAttribute", "src", "lab.html"+b.win.Location().Search()+"#"+c.LabHash())
	}

	b.win.AddEventListener("message", false, func(ev dom.Event) { b.onMessage(c, ev.Underlying()) })
	b.win.AddEventListener("hashchange", false, func(dom.Event) {
		h := b.pageHash()
		b.do(func() { c.OnHashChange(h) })
	})

	body := b.doc.Underlying().Get("body")
	b.doc.AddEventListener("dragover", false, func(ev dom.Event) {
		ev.PreventDefault()
		body.Get("classList").Call("add", "dragging")
	})
	b.doc.AddEventListener("dragleave", false, func(ev dom.Event) {
		if !ev.Underlying().Get("relatedTarget").Truthy() {
			body.Get("classList").Call("remove", "dragging")
		}
	})
	b.doc.AddEventListener("drop", false, func(ev dom.Event) {
		ev.PreventDefault()
		body.Get("classList").Call("remove", "dragging")
		dt := ev.Underlying().Get("dataTransfer")
		if !dt.Truthy() || dt.Get("files").Length() == 0 {
			return
		}
		f := vjs.Value(dt.Get("files").Index(0))
		b.do(func() { c.OnFile(f, false) })
	})

	// messages that came before the shell listened (index.html keeps them)
	if early := js.Global().Get("rnnlabEarly"); early.Truthy() {
		for i := 0; i < early.Length(); i++ {
			b.onMessage(c, early.Index(i))
		}
		if stop := js.Global().Get("rnnlabStopEarly"); stop.Type() == js.TypeFunction {
			stop.Invoke()
		}
	}
}

// onMessage takes a MessageEvent from the lab iframe with source "rnnlab".
func (b *browser) onMessage(c *Root, ev js.Value) {
	lab := b.lab()
	if !lab.Truthy() || !ev.Get("source").Equal(lab.Get("contentWindow")) {
		return
	}
	d := ev.Get("data")
	if d.Type() != js.TypeObject || str(d.Get("source")) != "rnnlab" {
		return
	}
	m := LabMsg{Type: str(d.Get("type")), Message: str(d.Get("message")), Name: str(d.Get("name")),
		Mime: str(d.Get("mime")), Bytes: vjs.Value(d.Get("bytes"))}
	m.Status = Status{
		Step: integer(d.Get("step"), 0), Until: integer(d.Get("until"), 0),
		Loss: number(d.Get("loss")), Dstsp: number(d.Get("dstsp")), DH: number(d.Get("dh")), PE: number(d.Get("pe")),
		EvalStep: integer(d.Get("evalStep"), -1), Running: d.Get("running").Truthy(),
		StepsPerSec: number(d.Get("stepsPerSec")), FPS: number(d.Get("fps")), Params: integer(d.Get("params"), 0),
		Model: str(d.Get("model")), Data: str(d.Get("data")), Hash: str(d.Get("hash")), View: str(d.Get("view")),
		LossFrom: integer(d.Get("lossFrom"), 0), Losses: floats(d.Get("losses")), Run: integer(d.Get("run"), 0),
	}
	if m.Type == "status" && m.Status.Running {
		b.doQuiet(func() { c.OnLab(m) })
		return
	}
	b.do(func() { c.OnLab(m) })
}

func str(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

func number(v js.Value) float64 {
	if v.Type() == js.TypeNumber {
		return v.Float()
	}
	return math.NaN()
}

// floats reads an array or typed array of numbers (nil for anything
// else); an entry that is no number is NaN.
func floats(v js.Value) []float64 {
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil
	}
	out := make([]float64, v.Length())
	for i := range out {
		out[i] = number(v.Index(i))
	}
	return out
}

func integer(v js.Value, def int) int {
	if v.Type() == js.TypeNumber {
		return v.Int()
	}
	return def
}

func (b *browser) post(msg map[string]any) {
	lab := b.lab()
	if !lab.Truthy() {
		return
	}
	w := lab.Get("contentWindow")
	if !w.Truthy() {
		return
	}
	o := js.Global().Get("Object").New()
	o.Set("source", "rnnlab")
	for k, v := range msg {
		if jv, ok := v.(vjs.Value); ok {
			o.Set(k, js.Value(jv))
		} else {
			o.Set(k, v)
		}
	}
	w.Call("postMessage", o, b.origin())
}

func (b *browser) setHash(h string) {
	if strings.TrimPrefix(b.pageHash(), "#") == h {
		return
	}
	// dom/v2 declares History but does not implement it
	js.Global().Get("history").Call("replaceState", js.Null(), "", "#"+h)
}

func (b *browser) pageURL(h string) string {
	href := b.win.Location().Href()
	if i := strings.IndexByte(href, '#'); i >= 0 {
		href = href[:i]
	}
	return href + "#" + h
}

func (b *browser) copyText(text string, done func(bool)) {
	if el := b.doc.GetElementByID("link"); el != nil {
		el.Underlying().Set("value", text)
		el.Underlying().Call("select")
	}
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		ok := b.doc.Underlying().Call("execCommand", "copy").Truthy()
		b.do(func() { done(ok) })
		return
	}
	then(clip.Call("writeText", text), func(js.Value) { b.do(func() { done(true) }) },
		func(js.Value) {
			ok := b.doc.Underlying().Call("execCommand", "copy").Truthy()
			b.do(func() { done(ok) })
		})
}

// then attaches handlers to a promise and releases them once it settled.
func then(p js.Value, ok, fail func(js.Value)) {
	var fok, ffail js.Func
	fok = js.FuncOf(func(_ js.Value, a []js.Value) any {
		fok.Release()
		ffail.Release()
		ok(arg(a))
		return nil
	})
	ffail = js.FuncOf(func(_ js.Value, a []js.Value) any {
		fok.Release()
		ffail.Release()
		fail(arg(a))
		return nil
	})
	p.Call("then", fok, ffail)
}

func arg(a []js.Value) js.Value {
	if len(a) == 0 {
		return js.Undefined()
	}
	return a[0]
}

func (b *browser) readFile(file vjs.Value, done func(string, vjs.Value, error)) {
	f := js.Value(file)
	name := str(f.Get("name"))
	if f.Get("arrayBuffer").Type() != js.TypeFunction {
		b.do(func() { done(name, vjs.Value{}, errors.New("this browser cannot read files")) })
		return
	}
	then(f.Call("arrayBuffer"),
		func(buf js.Value) { b.do(func() { done(name, vjs.Value(buf), nil) }) },
		func(e js.Value) {
			msg := "read failed"
			if e.Truthy() {
				msg = e.Call("toString").String()
			}
			b.do(func() { done(name, vjs.Value{}, errors.New(msg)) })
		})
}

func (b *browser) download(name, mime string, bytes vjs.Value) {
	if mime == "" {
		mime = "application/octet-stream"
	}
	parts := js.Global().Get("Array").New(js.Value(bytes))
	opts := js.Global().Get("Object").New()
	opts.Set("type", mime)
	blob := js.Global().Get("Blob").New(parts, opts)
	u := js.Global().Get("URL").Call("createObjectURL", blob)
	a := b.doc.CreateElement("a")
	a.SetAttribute("href", u.String())
	a.SetAttribute("download", name)
	body := b.doc.Underlying().Get("body")
	body.Call("appendChild", a.Underlying())
	a.Underlying().Call("click")
	body.Call("removeChild", a.Underlying())
	b.win.SetTimeout(func() { js.Global().Get("URL").Call("revokeObjectURL", u) }, 10000)
}

func (b *browser) setControls(values map[string]string) {
	for id, v := range values {
		if el := b.doc.GetElementByID(id); el != nil {
			el.Underlying().Set("value", v)
		}
	}
}

func (b *browser) mounted() {
	b.doc.Underlying().Get("body").Get("dataset").Set("shellReady", "1")
}
