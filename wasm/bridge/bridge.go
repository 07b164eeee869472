//go:build js

package bridge

import (
	"encoding/binary"
	"fmt"
	"math"
	"syscall/js"
)

// Source is the source field of every message of the protocol.
const Source = "rnnlab"

// Command is one message from the parent (or an internal event such as a
// finished fetch), decoded from JavaScript.
type Command struct {
	Type    string // command, state, load-checkpoint, load-data, export; fetched, fetch-error, hash
	Cmd     string // play, pause, step, reset (Type command)
	Hash    string // Type state / hash
	Name    string // file name (load-*, fetched)
	Bytes   []byte // file contents (load-*, fetched)
	What    string // checkpoint or trajectory (Type export)
	Deliver string // download (default) or message (Type export)
	Steps   int    // trajectory length (Type export; 0: the default)
	Err     string // Type fetch-error
}

var queue = make(chan Command, 64)

// Poll returns the next queued command without blocking.
func Poll() (Command, bool) {
	select {
	case c := <-queue:
		return c, true
	default:
		return Command{}, false
	}
}

// Drain applies the queued commands in order, between frames. An error of
// apply, or a panic while applying (it becomes an error naming the widget
// and the message, and the widget goes on with the run it had), goes to
// fail; after, when not nil, runs after each command.
func Drain(widget string, apply func(Command) error, fail func(error), after func()) {
	for {
		c, ok := Poll()
		if !ok {
			return
		}
		if err := applySafely(widget, apply, c); err != nil {
			fail(err)
		}
		if after != nil {
			after()
		}
	}
}

func applySafely(widget string, apply func(Command) error, c Command) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the %s could not apply the %s message (%v); it goes on as it was", widget, c.Type, r)
		}
	}()
	return apply(c)
}

// Pending is the number of queued commands.
func Pending() int { return len(queue) }

func enqueue(c Command) {
	select {
	case queue <- c:
	default:
		PostError("too many commands queued; " + c.Type + " dropped")
	}
}

var (
	global  = js.Global()
	funcs   []js.Func
	inFrame = global.Get("parent").Truthy() && !global.Get("parent").Equal(global)
)

// InFrame reports whether the page runs inside another page's iframe.
func InFrame() bool { return inFrame }

// Listen installs the message and hashchange listeners. Messages must come
// from the page's own origin and, when they carry a source, from "rnnlab".
func Listen() {
	onMsg := js.FuncOf(guard("a message", func(this js.Value, args []js.Value) any {
		ev := args[0]
		if o := ev.Get("origin").String(); o != global.Get("location").Get("origin").String() {
			return nil
		}
		d := ev.Get("data")
		if d.Type() != js.TypeObject {
			return nil
		}
		if s := d.Get("source"); !s.IsUndefined() && s.String() != Source {
			return nil
		}
		c := Command{Type: str(d, "type"), Cmd: str(d, "cmd"), Hash: str(d, "hash"), Name: str(d, "name"),
			What: str(d, "what"), Deliver: str(d, "deliver")}
		if c.Type == "" {
			return nil
		}
		if n := d.Get("steps"); n.Type() == js.TypeNumber {
			c.Steps = n.Int()
		}
		if b := d.Get("bytes"); b.Truthy() {
			if c.Bytes = toBytes(b); c.Bytes == nil {
				PostError(fmt.Sprintf("%s %s: bytes is a %s, not an ArrayBuffer or a typed array; nothing was loaded", c.Type, c.Name, b.Type()))
				return nil
			}
		}
		enqueue(c)
		return nil
	}))
	onHash := js.FuncOf(guard("a hash change", func(this js.Value, args []js.Value) any {
		enqueue(Command{Type: "hash", Hash: Hash()})
		return nil
	}))
	funcs = append(funcs, onMsg, onHash)
	global.Call("addEventListener", "message", onMsg)
	global.Call("addEventListener", "hashchange", onHash)
}

// guard wraps a JavaScript callback so that a panic inside it (a value of
// an unexpected JavaScript type, say) becomes an error message to the page
// instead of ending the Go program, which would freeze the widget.
func guard(what string, f func(this js.Value, args []js.Value) any) func(this js.Value, args []js.Value) any {
	return func(this js.Value, args []js.Value) (out any) {
		defer func() {
			if r := recover(); r != nil {
				PostError(fmt.Sprintf("the widget could not handle %s (%v); it goes on as it was", what, r))
				out = nil
			}
		}()
		return f(this, args)
	}
}

// jsString is String(v) in JavaScript: it works on every value (a number,
// undefined, an Error), unlike calling v's own toString.
func jsString(v js.Value) string { return global.Get("String").Invoke(v).String() }

func str(v js.Value, k string) string {
	f := v.Get(k)
	if f.Type() != js.TypeString {
		return ""
	}
	return f.String()
}

// toBytes copies an ArrayBuffer, a typed array or a DataView into Go; it
// returns nil for anything else.
func toBytes(v js.Value) []byte {
	if v.Type() != js.TypeObject {
		return nil
	}
	u8 := global.Get("Uint8Array")
	var a js.Value
	switch {
	case v.InstanceOf(u8):
		a = v
	case v.InstanceOf(global.Get("ArrayBuffer")):
		a = u8.New(v)
	case v.Get("buffer").Truthy():
		a = u8.New(v.Get("buffer"), v.Get("byteOffset"), v.Get("byteLength"))
	default:
		return nil
	}
	b := make([]byte, a.Get("length").Int())
	js.CopyBytesToGo(b, a)
	return b
}

func fromBytes(b []byte) js.Value {
	a := global.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// Hash returns location.hash without its '#'.
func Hash() string {
	h := global.Get("location").Get("hash").String()
	if len(h) > 0 && h[0] == '#' {
		h = h[1:]
	}
	return h
}

// SetHash replaces the URL's hash (history.replaceState: no history entry,
// no hashchange event).
func SetHash(h string) {
	if h == Hash() {
		return
	}
	global.Get("history").Call("replaceState", nil, "", "#"+h)
}

// Query returns the query parameter key of the page's URL ("" if absent).
func Query(key string) string {
	p := global.Get("URLSearchParams").New(global.Get("location").Get("search"))
	v := p.Call("get", key)
	if v.IsNull() {
		return ""
	}
	return v.String()
}

// Msg is a message to the parent; Post adds source.
type Msg map[string]any

// jsValue converts Go values for postMessage: NaN and ±Inf become null.
func jsValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case []byte:
		return fromBytes(x).Get("buffer")
	case []float64:
		// a Float64Array (NaN and ±Inf stay as they are)
		b := make([]byte, 8*len(x))
		for i, f := range x {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(f))
		}
		return global.Get("Float64Array").New(fromBytes(b).Get("buffer"))
	case Msg:
		o := global.Get("Object").New()
		for k, e := range x {
			o.Set(k, jsValue(e))
		}
		return o
	}
	return v
}

// Post sends m (with source "rnnlab") to the parent window, if any.
func Post(m Msg) {
	m["source"] = Source
	v := jsValue(m).(js.Value)
	if inFrame {
		global.Get("parent").Call("postMessage", v, "*")
	}
	if m["type"] == "status" {
		setStatus(v)
	}
}

// setStatus keeps the last status object in window.rnnlab.status.
func setStatus(v js.Value) {
	r := global.Get("rnnlab")
	if r.Type() != js.TypeObject {
		r = global.Get("Object").New()
		global.Set("rnnlab", r)
	}
	r.Set("status", v)
}

// PostError sends an error message to the parent and keeps it in
// window.rnnlab.error (and the list window.rnnlab.errors), so a page
// without a parent, and the browser tests, can read it.
func PostError(msg string) {
	r := global.Get("rnnlab")
	if r.Type() != js.TypeObject {
		r = global.Get("Object").New()
		global.Set("rnnlab", r)
	}
	r.Set("error", msg)
	if l := r.Get("errors"); l.Type() == js.TypeObject {
		l.Call("push", msg)
	} else {
		r.Set("errors", global.Get("Array").New(msg))
	}
	Post(Msg{"type": "error", "message": msg})
}

// PostFile answers an export with deliver "message": the bytes travel as
// an ArrayBuffer.
func PostFile(name, mime string, b []byte) {
	Post(Msg{"type": "file", "name": name, "mime": mime, "bytes": b})
}

// Download offers b as a file download (a Blob behind a temporary anchor).
func Download(name, mime string, b []byte) {
	arr := global.Get("Array").New(fromBytes(b))
	opt := global.Get("Object").New()
	opt.Set("type", mime)
	blob := global.Get("Blob").New(arr, opt)
	url := global.Get("URL").Call("createObjectURL", blob)
	doc := global.Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Get("style").Set("display", "none")
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	var rel js.Func
	rel = js.FuncOf(func(js.Value, []js.Value) any {
		global.Get("URL").Call("revokeObjectURL", url)
		rel.Release()
		return nil
	})
	global.Call("setTimeout", rel, 1000)
}

// Fetch starts fetching url; the result arrives in the queue as a Command
// of type "fetched" (Name = url, Bytes) or "fetch-error" (Err).
func Fetch(url string) {
	defer func() {
		if r := recover(); r != nil { // fetch threw: an impossible URL
			enqueue(Command{Type: "fetch-error", Name: url, Err: fmt.Sprint(r)})
		}
	}()
	var onOK, onBuf, onErr js.Func
	release := func() { onOK.Release(); onBuf.Release(); onErr.Release() }
	onErr = js.FuncOf(guard("a failed fetch of "+url, func(this js.Value, args []js.Value) any {
		msg := "the request failed"
		if len(args) > 0 {
			msg = jsString(args[0])
		}
		enqueue(Command{Type: "fetch-error", Name: url, Err: msg})
		release()
		return nil
	}))
	onBuf = js.FuncOf(guard("the fetched "+url, func(this js.Value, args []js.Value) any {
		enqueue(Command{Type: "fetched", Name: url, Bytes: toBytes(args[0])})
		release()
		return nil
	}))
	onOK = js.FuncOf(guard("the answer to a fetch of "+url, func(this js.Value, args []js.Value) any {
		r := args[0]
		if !r.Get("ok").Bool() {
			msg := "HTTP " + jsString(r.Get("status"))
			if t := jsString(r.Get("statusText")); t != "" && t != "undefined" {
				msg += " " + t
			}
			enqueue(Command{Type: "fetch-error", Name: url, Err: msg})
			release()
			return nil
		}
		r.Call("arrayBuffer").Call("then", onBuf, onErr)
		return nil
	}))
	global.Call("fetch", url).Call("then", onOK, onErr)
}

// Ready tells the page the first frame is drawn: it removes the loader's
// "loading" text (element #loading) and posts "ready".
func Ready(view, hash string) {
	if el := global.Get("document").Call("getElementById", "loading"); el.Truthy() {
		el.Call("remove")
	}
	Post(Msg{"type": "ready", "view": view, "hash": hash})
}

// MarkFirstFrame records the time of the first drawn frame as
// window.rnnlab.firstFrame (performance.now() milliseconds), for the
// start-up measurement of the browser tests.
func MarkFirstFrame() {
	r := global.Get("rnnlab")
	if !r.Truthy() {
		r = global.Get("Object").New()
		global.Set("rnnlab", r)
	}
	r.Set("firstFrame", global.Get("performance").Call("now"))
}

// RenderScale is the factor by which the page shrank the canvas's backing
// store (window.rnnlabRenderScale, set by lab.html in software-rendered
// WebGL), 1 when it did not.
func RenderScale() float64 {
	v := global.Get("rnnlabRenderScale")
	if v.Type() != js.TypeNumber || !(v.Float() > 0 && v.Float() <= 1) {
		return 1
	}
	return v.Float()
}

// SetPanels records the names of the drawn panels ("bar" for the button
// and progress bar) as window.rnnlab.panels, for the browser tests.
func SetPanels(names string) {
	r := global.Get("rnnlab")
	if r.Type() != js.TypeObject {
		r = global.Get("Object").New()
		global.Set("rnnlab", r)
	}
	r.Set("panels", names)
}

// SetLayoutWidth records the canvas's width in layout units (CSS pixels of
// the page, whatever the render scale) as window.rnnlab.layoutWidth, for
// the browser tests.
func SetLayoutWidth(w float64) {
	r := global.Get("rnnlab")
	if r.Type() != js.TypeObject {
		r = global.Get("Object").New()
		global.Set("rnnlab", r)
	}
	r.Set("layoutWidth", w)
}
