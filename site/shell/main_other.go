//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains that the shell only runs in a browser; natively the
// package builds so that its tests and vet run with the rest.
func main() {
	fmt.Fprintln(os.Stderr, "shell is the home page's WebAssembly program: build it with GOOS=js GOARCH=wasm (make site)")
	os.Exit(2)
}
