// Command shell is the home page's app shell, a vugu program compiled to
// shell.wasm (GOOS=js GOARCH=wasm). It draws the header, the control panel,
// the status line and the live loss and metric plots, and drives the lab
// widget (site/lab, in the page's <iframe id="lab">) through the postMessage
// protocol of docs/protocol.md. The page's own URL hash holds the same state
// as the widget's (wasm/session.State), so a copied link restores the run.
//
// root.vugu is the markup; root_gen.go is generated from it by vugugen and
// committed, so a plain `go build` works. Regenerate after editing the
// markup with `go generate ./site/shell`.
//
// The browser glue (postMessage, the hash, file reading, the clipboard) is in
// host_wasm.go; everything else builds and is tested natively.
package main

//go:generate go run github.com/vugu/vugu/cmd/vugugen -skip-go-mod -skip-main .
//go:generate gofmt -w root_gen.go
