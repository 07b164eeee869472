//go:build js

package bridge

import (
	"strconv"
	"strings"
	"syscall/js"
)

// Bar is the lab's bar of buttons, progress and rate, as page elements
// over the canvas (lab.html without controls=page): the step counter and
// the loss change every few frames while training, and drawn into the
// canvas each change would cost software-rendered WebGL a few full-canvas
// passes (docs/performance.md, issue 12); as page text the canvas is not
// touched and the browser repaints a strip of text.
//
// The rectangle is in CSS pixels of the page (the canvas's layout units,
// whatever the render scale). Label is the progress text, Right the rate;
// Frac the progress (0–1). The label's fields are separated by
// barFieldSep; those that do not fit are left out from the end.
type Bar struct {
	Left, Top, Width, Height float64
	Running                  bool
	Frac                     float64
	Label, Right             string
}

// barDOM holds the bar's elements and what they show, so ShowBar writes
// only what changed (each write is a call into JavaScript and a repaint).
type barDOM struct {
	root, play, fill, label, right js.Value
	shown                          Bar
	fracText                       string
	made, hidden                   bool
}

var bar barDOM

// barFieldSep separates the fields of a Bar's label.
const barFieldSep = "   "

// ShowBar shows b, creating the elements on the first call. The buttons
// enqueue play or pause, step and reset commands, as the parent's messages
// do (the frame loop applies them between pieces of work); they keep the
// keyboard focus where it was (the canvas's keys go on working) and are
// left out of the Tab order (the canvas's keys do what they do).
func ShowBar(b Bar) {
	first := !bar.made
	if first {
		makeBar()
	}
	old := bar.shown
	st := bar.root.Get("style")
	if b.Left != old.Left || b.Top != old.Top || b.Width != old.Width || b.Height != old.Height || bar.hidden || first {
		// as custom properties: style.css places the bar from them, in
		// the reduced-resolution mode too (html.scaled)
		st.Call("setProperty", "--bar-left", px(b.Left))
		st.Call("setProperty", "--bar-top", px(b.Top))
		st.Call("setProperty", "--bar-width", px(b.Width))
		st.Call("setProperty", "--bar-height", px(b.Height))
		bar.root.Set("hidden", false)
		bar.hidden = false
	}
	if b.Running != old.Running || first {
		label := "play"
		if b.Running {
			label = "pause"
		}
		bar.play.Set("textContent", label)
		bar.play.Call("setAttribute", "aria-pressed", strconv.FormatBool(b.Running))
		bar.root.Get("dataset").Set("running", strconv.FormatBool(b.Running))
	}
	if f := strconv.FormatFloat(100*min(max(b.Frac, 0), 1), 'f', 1, 64) + "%"; f != bar.fracText {
		bar.fill.Get("style").Set("width", f)
		bar.fracText = f
	}
	if b.Label != old.Label || first {
		// one element per field: style.css wraps the fields that do not
		// fit onto a hidden second line, so the bar drops whole fields
		// from the end, never half a number
		bar.label.Set("textContent", "")
		doc := global.Get("document")
		for _, f := range strings.Split(b.Label, barFieldSep) {
			e := doc.Call("createElement", "span")
			e.Set("className", "labbar-field")
			e.Set("textContent", f)
			bar.label.Call("appendChild", e)
		}
	}
	if b.Right != old.Right || first {
		bar.right.Set("textContent", b.Right)
	}
	bar.shown, bar.made = b, true
}

// HideBar hides the bar (a page that shows the run's controls itself).
func HideBar() {
	if bar.made && !bar.hidden {
		bar.root.Set("hidden", true)
		bar.hidden = true
	}
}

func px(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "px" }

func makeBar() {
	doc := global.Get("document")
	el := func(tag, class string) js.Value {
		e := doc.Call("createElement", tag)
		e.Set("className", class)
		return e
	}
	root := el("div", "labbar")
	root.Set("id", "labbar")
	root.Call("setAttribute", "role", "toolbar")
	root.Call("setAttribute", "aria-label", "run")
	button := func(id, label, cmd string) js.Value {
		b := el("button", "labbar-button")
		b.Set("id", id)
		b.Set("type", "button")
		b.Set("textContent", label)
		b.Set("tabIndex", -1)
		keep := js.FuncOf(func(this js.Value, args []js.Value) any {
			args[0].Call("preventDefault") // the focus stays on the canvas
			return nil
		})
		click := js.FuncOf(guard("a click on "+label, func(this js.Value, args []js.Value) any {
			c := cmd
			if c == "play" && bar.shown.Running {
				c = "pause"
			}
			enqueue(Command{Type: "command", Cmd: c})
			return nil
		}))
		funcs = append(funcs, keep, click)
		b.Call("addEventListener", "mousedown", keep)
		b.Call("addEventListener", "click", click)
		root.Call("appendChild", b)
		return b
	}
	bar.play = button("labbar-play", "play", "play")
	button("labbar-step", "step", "step")
	button("labbar-reset", "reset", "reset")
	prog := el("div", "labbar-progress")
	bar.fill = el("div", "labbar-fill")
	bar.label = el("span", "labbar-label")
	bar.label.Set("id", "labbar-label")
	bar.label.Call("setAttribute", "aria-live", "off")
	prog.Call("appendChild", bar.fill)
	prog.Call("appendChild", bar.label)
	root.Call("appendChild", prog)
	bar.right = el("span", "labbar-rate")
	bar.right.Set("id", "labbar-rate")
	root.Call("appendChild", bar.right)
	doc.Get("body").Call("appendChild", root)
	bar.root = root
}
