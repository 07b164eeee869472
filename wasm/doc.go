// Package wasm holds the WebAssembly side of the static site, in two
// packages that the lab widget (site/lab) and the home page's shell
// (site/shell) build on:
//
//   - wasm/session: the page's live training run, with no browser code: the
//     state a URL hash describes, the recipe, model and trainer it builds
//     (rules/recipe, the code `rnnlab train` runs), training in whole steps
//     under a time budget per frame, evaluation, and the native command's
//     checkpoint and trajectory formats. Its tests run natively and under
//     js/wasm (`make test-wasm`).
//   - wasm/bridge: the widget's only contact with the browser (syscall/js):
//     the URL hash and query, postMessage in the shape docs/protocol.md
//     fixes, downloads and fetches.
//
// With site/ and cmd/, only these may import syscall/js or touch the
// browser; the numerical core may not (build/archtest). The core's
// determinism across targets, which makes a shared link reproduce a run
// bit for bit, is tested by `make test-wasm`.
package wasm
