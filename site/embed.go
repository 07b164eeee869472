// Package site holds the static front end: the lab widget (site/lab), the
// home page's shell (site/shell), the static pages (site/static) and, after
// `make site`, the built folder site/dist that `rnnlab serve` embeds.
//
// Dist is that folder. Before a build it holds only a placeholder README.md,
// so the embed compiles on a fresh checkout; `rnnlab serve` then refuses to
// start and says to run `make site`.
package site

import "embed"

// Dist is the built site: lab.wasm, shell.wasm, wasm_exec.js, the pages and
// their precompressed .br/.gz siblings, under the directory "dist".
//
//go:embed all:dist
var Dist embed.FS
