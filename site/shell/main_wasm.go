//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"
)

// main mounts the shell on #app, connects it to the page and the lab
// iframe, and renders after every event.
func main() {
	renderer, err := domrender.New("#app")
	if err != nil {
		panic(err)
	}
	defer renderer.Release()

	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		panic(err)
	}

	b := newBrowser(renderer.EventEnv())
	root := newRoot(b, b.pageHash(), time.Now)
	b.start(root)

	first := true
	for ok := true; ok; ok = renderer.EventWait() {
		t0 := time.Now()
		if err := renderer.Render(buildEnv.RunBuild(root)); err != nil {
			panic(err)
		}
		root.AfterRender(first)
		// the last render's time, for the browser tests' frame report
		js.Global().Set("rnnlabShellRenderMs", float64(time.Since(t0).Microseconds())/1000)
		first = false
	}
}
