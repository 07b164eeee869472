package main

import (
	"math"
	"strconv"

	"github.com/vugu/vugu"

	"github.com/rnnlab/rnnlab/wasm/session"
)

// fmtNum is a status number, or a dash where there is none yet.
func fmtNum(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(x, 'g', digits, 64)
}

// StatusStep is "step / until".
func (c *Root) StatusStep() string {
	until := c.st.Until
	if c.hasStatus && c.status.Until > 0 {
		until = c.status.Until
	}
	return strconv.Itoa(c.status.Step) + " / " + strconv.Itoa(until)
}

// StatusLoss, StatusDstsp, StatusDH, StatusSPS and StatusFPS are the
// status line's numbers.
func (c *Root) StatusLoss() string  { return fmtNum(c.status.Loss, 4) }
func (c *Root) StatusDstsp() string { return fmtNum(c.status.Dstsp, 4) }
func (c *Root) StatusDH() string    { return fmtNum(c.status.DH, 4) }
func (c *Root) StatusSPS() string {
	if !c.hasStatus || !c.status.Running {
		return "—"
	}
	return strconv.FormatFloat(c.status.StepsPerSec, 'f', 0, 64)
}
func (c *Root) StatusFPS() string {
	if !c.hasStatus {
		return "—"
	}
	return strconv.FormatFloat(c.status.FPS, 'f', 0, 64)
}

// RunState is "running", "paused" or, before the widget spoke, "loading".
func (c *Root) RunState() string {
	switch {
	case !c.ready && !c.hasStatus:
		return "loading"
	case c.status.Running:
		return "running"
	}
	return "paused"
}

// runStateClass is the status line's class for RunState.
func (c *Root) runStateClass() string { return "runstate rs-" + c.RunState() }

// PlayLabel is the one run button's label: what pressing it does.
func (c *Root) PlayLabel() string {
	if c.Running() {
		return "❚❚ Pause"
	}
	return "▶ Start"
}

// Toggle pauses a running run and starts a paused one.
func (c *Root) Toggle() {
	if c.Running() {
		c.Command("pause")
		c.status.Running = false // until the widget reports
		return
	}
	c.Command("play")
}

// Running reports whether the widget last said it trains.
func (c *Root) Running() bool { return c.status.Running }

// Message is the error shown in #message ("" for none).
func (c *Root) Message() string { return c.message }

// Dismiss clears the message.
func (c *Root) Dismiss() { c.message = "" }

// Link is the link shown in #link after "copy link"; Note says whether it
// was copied.
func (c *Root) Link() string { return c.link }
func (c *Root) Note() string { return c.note }

// UserData is the name of the visitor's data file, if one was loaded.
func (c *Root) UserData() string { return c.userData }

// NoHidden, NoBases, NoAlpha and NoInterval disable the controls that do
// not apply to the current model or forcing.
func (c *Root) NoHidden() bool   { return !usesHidden(c.st) }
func (c *Root) NoBases() bool    { return !usesBases(c.st) }
func (c *Root) NoAlpha() bool    { return !usesAlpha(c.st) }
func (c *Root) NoInterval() bool { return !usesInterval(c.st) }

// HasLoss and HasEvals tell whether the plots have anything to draw.
func (c *Root) HasLoss() bool  { return len(c.loss) > 0 }
func (c *Root) HasEvals() bool { return len(c.evals) > 0 }

// Params is the model's parameter count as the widget reported it.
func (c *Root) Params() string {
	if !c.hasStatus || c.status.Params == 0 {
		return ""
	}
	return strconv.Itoa(c.status.Params) + " parameters"
}

// confirmClass hides the question about a new run while there is none (the
// element stays, so vugu keeps the controls' DOM nodes and their values).
func (c *Root) confirmClass() string {
	if c.confirm == nil {
		return "confirm empty"
	}
	return "confirm"
}

// messageClass hides the message area while it is empty.
func (c *Root) messageClass() string {
	if c.message == "" {
		return "message empty"
	}
	return "message"
}

// pressed is an aria-pressed value.
func (c *Root) pressed(on bool) string {
	if on {
		return "true"
	}
	return "false"
}

// views are the values of the view control.
func (c *Root) views() []string { return session.Views }

// dataLabel is the menu text of a dataset.
func (c *Root) dataLabel(d string) string {
	switch d {
	case "lorenz63":
		return "Lorenz-63"
	case "rossler":
		return "Rössler"
	case "ecg":
		return "ECG (MIT-BIH, embedded)"
	case "user":
		if c.userData != "" {
			return "own: " + c.userData
		}
		return "own file…"
	}
	return d
}

// val is the value of an event's target control.
func (c *Root) val(event vugu.DOMEvent) string {
	return event.PropString("target", "value")
}

// pick hands the file of a file input to OnFile and clears the input, so
// picking the same file again loads it again.
func (c *Root) pick(event vugu.DOMEvent, checkpoint bool) {
	t := event.JSEventTarget()
	files := t.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	t.Set("value", "")
	c.OnFile(f, checkpoint)
}
