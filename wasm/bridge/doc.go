// Package bridge is the lab widget's only contact with the browser
// (syscall/js): the URL hash and query, postMessage to the parent in the
// shape docs/protocol.md fixes, a queue of parent commands that the frame
// loop drains, downloads, fetches and window.rnnlab.status.
//
// JavaScript callbacks never touch the session: they only enqueue Commands,
// which the ebiten Update drains on its own goroutine. The package builds
// only for GOOS=js.
package bridge
