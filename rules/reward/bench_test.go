package reward

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/rules/run"
)

// BenchmarkDNMSTrial runs net.cpp's DNMS trials (N = 200, 1000 steps) and
// reports trials per minute (upstream C++/Eigen: about 950 on one core).
func BenchmarkDNMSTrial(b *testing.B) {
	for _, m := range []string{DeltaX, NodePert} {
		b.Run(m, func(b *testing.B) {
			tr, _ := NewTrainer(Defaults(m))
			b.ReportAllocs()
			for b.Loop() {
				tr.Step()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "trials/min")
		})
	}
}

// BenchmarkRewardKind runs the reward kind's blocks of 10 trials (the
// command's unit of work, Advance), over network sizes, and reports trials
// per minute; N = 200 is net.cpp's network.
func BenchmarkRewardKind(b *testing.B) {
	for _, rule := range []string{RuleMiconi, RuleNodePert} {
		for _, n := range []int{100, 200, 400} {
			b.Run(fmt.Sprintf("%s/N=%d", rule, n), func(b *testing.B) {
				s := DefaultSpec()
				s.Rule, s.N, s.Block, s.Trials = rule, n, 10, 1<<30
				tr, err := s.Start(run.Env{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := tr.Advance(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(10*b.N)/b.Elapsed().Minutes(), "trials/min")
			})
		}
	}
}
