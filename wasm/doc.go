// Package wasm will hold the JavaScript bridge of the static site: the
// syscall/js glue that lets the page and its widgets drive the same kernel,
// models, rules and analyses that the native command runs, compiled with
// GOOS=js GOARCH=wasm. It is the only place, with site/ and cmd/, allowed to
// import syscall/js (enforced by build/archtest).
//
// Nothing is here yet: the browser front end is tracked as its own issue.
// The core's determinism across targets, which the page relies on to make
// shared links reproducible, is already tested by `make test-wasm`.
package wasm
