// Package archtest holds the test that enforces rnnlab's dependency rules:
// the numerical core (kernel, models, rules, analysis) imports nothing that
// is browser-, GPU-, terminal- or file-system-specific, so that it builds and
// behaves identically natively and under GOOS=js GOARCH=wasm.
package archtest
