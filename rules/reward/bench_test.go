package reward

import (
	"fmt"
	"os"
	"strconv"
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

// TestLearnDNMS is the learning experiment of docs/plasticity.md, run only
// with RNNLAB_DNMS_SEEDS=k (seeds 1..k, RNNLAB_DNMS_TRIALS trials each,
// default 4000): trials to criterion per seed.
func TestLearnDNMS(t *testing.T) {
	k, _ := strconv.Atoi(os.Getenv("RNNLAB_DNMS_SEEDS"))
	if k == 0 {
		t.Skip("set RNNLAB_DNMS_SEEDS to run the DNMS learning experiment")
	}
	trials := 4000
	if v, err := strconv.Atoi(os.Getenv("RNNLAB_DNMS_TRIALS")); err == nil {
		trials = v
	}
	method := DeltaX
	if os.Getenv("RNNLAB_DNMS_METHOD") == NodePert {
		method = NodePert
	}
	for seed := 1; seed <= k; seed++ {
		cfg := Defaults(method)
		cfg.Seed = uint64(seed)
		tr, err := NewTrainer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < trials; i++ {
			tr.Step()
			if n, ok := TrialsToCriterion(tr.Errors); ok {
				fmt.Printf("%s seed %d: criterion at trial %d\n", method, seed, n)
				break
			}
		}
		if _, ok := TrialsToCriterion(tr.Errors); !ok {
			fmt.Printf("%s seed %d: no criterion in %d trials (last 100: %.0f%% correct)\n", method, seed, trials, 100*tr.Correct(100))
		}
	}
}
