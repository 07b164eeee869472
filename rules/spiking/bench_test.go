package spiking_test

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
	"github.com/rnnlab/rnnlab/rules/spiking"
)

// BenchmarkAdvance: one 10-ms unit of the default network at N = 1 000,
// 2 000 and 5 000 after 200 ms, with the work the page adds per unit (the
// live figures), reporting simulated seconds per wall second — the page
// scrolls in real time where it is above 1 with time to spare for drawing
// (docs/spiking.md, "The live widget"). Natively and under js/wasm:
//
//	go test -run XXX -bench Advance ./rules/spiking
//	GOOS=js GOARCH=wasm go test -run XXX -bench Advance -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./rules/spiking
func BenchmarkAdvance(b *testing.B) {
	for _, n := range []int{1000, 2000, 5000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			s := spiking.Defaults()
			s.N = n
			tr, err := s.Start(run.Env{})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				tr.Advance()
			}
			live := tr.(run.Live)
			b.ReportAllocs()
			for b.Loop() {
				if err := tr.Advance(); err != nil {
					b.Fatal(err)
				}
				live.Live()
			}
			b.ReportMetric(float64(b.N)*s.UnitMs*1e-3/b.Elapsed().Seconds(), "sim-s/s")
		})
	}
}
