//go:build !js

package main

import (
	"fmt"
	"os"
)

// main explains that the run widget only runs in a browser; natively the
// package builds so that its geometry tests and vet run with the rest.
func main() {
	fmt.Fprintln(os.Stderr, "run is the run page's WebAssembly program: build it with GOOS=js GOARCH=wasm (make site)")
	os.Exit(2)
}
