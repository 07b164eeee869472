package main

import (
	"net/url"

	"github.com/rnnlab/rnnlab/wasm/session"
)

// Models are the values of the model control, in menu order.
var Models = []string{"plrnn", "dendplrnn", "clipped-dendplrnn", "shplrnn", "clipped-shplrnn", "ctrnn"}

// Datasets are the values of the data control; "user" is a file the
// visitor dropped or picked.
var Datasets = []string{"lorenz63", "rossler", "ecg", "user"}

// Forcings are the values of the forcing control.
var Forcings = []string{"generalized", "sparse", "none"}

// Observations are the values of the obs control.
var Observations = []string{"identity", "affine"}

// Controls are the ids of the controls that edit one hash key each; a
// control's id is its key in the URL hash (docs/protocol.md).
var Controls = []string{"model", "data", "obs", "seed", "latents", "hidden", "bases", "lr", "seq", "batch",
	"forcing", "alpha", "interval", "until", "view"}

// homeDefault is the home page's state when its hash is empty: the
// widget's default, but paused until the visitor presses play.
func homeDefault() session.State {
	st := session.Default()
	st.Play = false
	return st
}

// hashOf is the hash (without '#') that the home page and the widget both
// carry for st. It is session's canonical hash, with the play key written
// out whenever the widget, whose default is to play, would read it
// differently: the home page's default is paused.
func hashOf(st session.State) string {
	h := st.Hash()
	got, err := session.ParseHash(h, session.Default())
	if err == nil && got.Play == st.Play {
		return h
	}
	if q, err := url.ParseQuery(h); err == nil && q.Has("play") {
		return h // written, but differently parsed: leave it to the widget
	}
	play := "play=0"
	if st.Play {
		play = "play=1"
	}
	if h == "" {
		return play
	}
	return h + "&" + play
}

// withKey is st with one hash key set from a control's value, parsed and
// validated by session.ParseHash, so the shell keeps no second definition
// of the keys' syntax.
func withKey(st session.State, key, value string) (session.State, error) {
	return session.ParseHash(url.QueryEscape(key)+"="+url.QueryEscape(value), st)
}

// controlValue is the value a control shows for its key of st: the
// value the hash writes (session.State.Value), so the keys' formatting is
// defined once.
func controlValue(st session.State, key string) string { return st.Value(key) }

// controlValues are the values of all Controls for st.
func controlValues(st session.State) map[string]string {
	m := make(map[string]string, len(Controls))
	for _, k := range Controls {
		m[k] = controlValue(st, k)
	}
	return m
}

// sameState reports whether two states are equal apart from the play key,
// which only says whether a run starts on load.
func sameState(a, b session.State) bool {
	a.Play = b.Play
	return a == b
}

// withView is st with the view keys of v.
func withView(st, v session.State) session.State {
	st.View, st.Yaw, st.Pitch, st.Zoom, st.Spin, st.Unit = v.View, v.Yaw, v.Pitch, v.Zoom, v.Spin, v.Unit
	return st
}

// usesHidden, usesBases, usesAlpha and usesInterval tell which controls
// mean something for a state; the others are shown disabled.
func usesHidden(st session.State) bool { return st.Model == "shplrnn" || st.Model == "clipped-shplrnn" }
func usesBases(st session.State) bool {
	return st.Model == "dendplrnn" || st.Model == "clipped-dendplrnn"
}
func usesAlpha(st session.State) bool    { return st.Forcing == "generalized" }
func usesInterval(st session.State) bool { return st.Forcing == "sparse" }
