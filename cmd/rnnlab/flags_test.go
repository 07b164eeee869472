package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTypedFlagsAreRefusedByName: a value out of range is refused with a
// message naming the flag, printed once with a one-line hint (no usage
// dump), and status 2; nothing is trained.
func TestTypedFlagsAreRefusedByName(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, tinyConfig)
	out := filepath.Join(dir, "o")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--latents", "0"}, "--latents 0: must be ≥ 1"},
		{[]string{"train", "--steps", "0"}, "--steps 0: must be ≥ 1"},
		{[]string{"train", "--lr", "0"}, "--lr 0: must be a finite number > 0"},
		{[]string{"train", "--lr", "NaN"}, "--lr NaN"},
		{[]string{"train", "--eval-every", "-5"}, "--eval-every -5: must be ≥ 0"},
		{[]string{"train", "--stop-at", "0"}, "--stop-at 0: must be ≥ 1"},
		{[]string{"train", "--model", ""}, "--model needs a value"},
		{[]string{"train", "--data", ""}, "--data needs a value"},
		{[]string{"train", "--steps", "abc"}, `invalid value "abc" for flag -steps`},
		{[]string{"train", "--recipe", "ekg"}, `--recipe: unknown recipe "ekg"`},
		{[]string{"eval", "--checkpoint", "x", "--steps", "0"}, "--steps 0: must be ≥ 1"},
		{[]string{"eval", "--checkpoint", "x", "--transient", "-1"}, "--transient -1: must be ≥ 0"},
		{[]string{"eval", "--checkpoint", "x", "--stsp", "kde"}, `--stsp "kde"`},
		{[]string{"generate", "--checkpoint", "x", "--steps", "0"}, "--steps 0: must be ≥ 1"},
		{[]string{"generate", "--checkpoint", "x", "--start", "-2"}, "--start -2: must be ≥ 0"},
		{[]string{"generate", "--checkpoint", "x", "--latents", "z.csv"}, "--latents z.csv"},
		{[]string{"analyze", "--checkpoint", "x", "--max-period", "0"}, "--max-period 0: must be ≥ 1"},
		{[]string{"ablate", "--config", cfg, "--seeds", "0"}, "--seeds 0: must be ≥ 1"},
		{[]string{"ablate", "--config", cfg, "--mar-ratio", "1.5"}, "--mar-ratio 1.5: must lie in [0, 1]"},
		{[]string{"ablate", "--config", cfg, "--tsd-lambda", "-1"}, "--tsd-lambda -1: must be ≥ 0"},
		{[]string{"sweep", "--grid", cfg, "--jobs", "0"}, "--jobs 0: must be ≥ 1"},
		{[]string{"sweep", "--out", out, "--gather", "--jobs", "2"}, "--jobs sets how many runs"},
		{[]string{"serve", "--addr", ""}, "--addr needs a value"},
		{[]string{"config", "--recipe", "ekg"}, `--recipe: unknown recipe "ekg"`},
		{[]string{"version", "--short"}, "flag provided but not defined: -short"},
	}
	for _, c := range cases {
		args := c.args
		if args[0] == "train" { // were a flag not refused, a short run into out, not the default one
			args = append([]string{"train", "--config", cfg, "--out", out, "--quiet"}, args[1:]...)
		}
		st, o, e := runCmd(t, args...)
		name := strings.Join(c.args, " ")
		if st != 2 {
			t.Errorf("%s: status %d, want 2 (%q)", name, st, e)
		}
		lines := strings.Split(strings.TrimSpace(e), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], c.want) || lines[1] != "run 'rnnlab "+c.args[0]+" --help' for its flags" {
			t.Errorf("%s: stderr %q, want one line with %q and the hint", name, e, c.want)
		}
		if o != "" {
			t.Errorf("%s: stdout %q", name, o)
		}
	}
	if runState(out) != stateMissing {
		t.Error("a refused command trained")
	}
}

// TestTypedZeroIsApplied: 0 typed on the command line is a value, not "no
// override" (--seed 0, --eval-every 0), and a flag --resume cannot apply is
// refused instead of ignored.
func TestTypedZeroIsApplied(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "run.json")
	writeFile(t, cfg, tinyConfig) // seed 3, eval_every 20
	out := filepath.Join(dir, "o")
	if st, _, e := runCmd(t, "train", "--config", cfg, "--out", out, "--quiet", "--seed", "0", "--eval-every", "0", "--stop-at", "10"); st != 0 {
		t.Fatalf("train: %d %s", st, e)
	}
	ck, _, err := readCheckpoint(filepath.Join(out, checkpointName))
	if err != nil {
		t.Fatal(err)
	}
	if ck.Config.Train.Seed != 0 || ck.Config.Train.EvalEvery != 0 {
		t.Errorf("typed zeros not applied: seed %d, eval_every %d", ck.Config.Train.Seed, ck.Config.Train.EvalEvery)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg}, "--config cannot change it"},
		{[]string{"--seed", "0"}, "--seed cannot change it"},
		{[]string{"--latents", "3", "--data", "rossler"}, "--latents, --data cannot change it"},
		{[]string{"--steps", "5"}, "--steps 5 is below the checkpoint's step 10"},
	} {
		st, _, e := runCmd(t, append([]string{"train", "--out", out, "--resume", "--quiet"}, c.args...)...)
		if st != 2 || !strings.Contains(e, c.want) {
			t.Errorf("--resume %v: status %d, %q; want 2 and %q", c.args, st, e, c.want)
		}
	}
}

// TestHelp: every command's --help (and -h, and 'rnnlab help CMD') goes to
// stdout with status 0, shows no sentinel defaults, and names what the
// flags accept.
func TestHelp(t *testing.T) {
	for _, c := range commandTable() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			st, o, e := runCmd(t, args...)
			if st != 0 || e != "" || !strings.HasPrefix(o, "Usage: rnnlab "+c.name) {
				t.Errorf("%v: status %d, stdout %.60q, stderr %q", args, st, o, e)
			}
			if strings.Contains(o, "(default -1)") || strings.Contains(o, "(default 0)") {
				t.Errorf("%v shows a sentinel default:\n%s", args, o)
			}
		}
	}
	_, o, _ := runCmd(t, "train", "--help")
	for _, w := range []string{".npy", ".npz", ".csv", "WFDB record"} {
		if !strings.Contains(flagUsage(o, "data"), w) {
			t.Errorf("train --data's help lacks %q:\n%s", w, flagUsage(o, "data"))
		}
	}
	_, o, _ = runCmd(t, "eval", "--help")
	if tr := flagUsage(o, "transient"); strings.Count(tr, "default") != 1 {
		t.Errorf("eval --transient shows %d defaults: %q", strings.Count(tr, "default"), tr)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		if st, o, _ := runCmd(t, args...); st != 0 || !strings.Contains(o, "Commands:") || !strings.Contains(o, "Exit status") {
			t.Errorf("%v: %d %q", args, st, o)
		}
	}
	if st, _, e := runCmd(t); st != 2 || !strings.Contains(e, "Commands:") {
		t.Errorf("no command: %d %q", st, e)
	}
	if st, _, e := runCmd(t, "trian"); st != 2 || !strings.Contains(e, `did you mean "train"?`) {
		t.Errorf("a misspelt command: %d %q", st, e)
	}
}

// flagUsage is the part of a help text about one flag.
func flagUsage(help, name string) string {
	i := strings.Index(help, "\n  -"+name+" ")
	if i < 0 {
		return ""
	}
	rest := help[i+1:]
	if j := strings.Index(rest[1:], "\n  -"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

// TestConfigMessages: a config that cannot be read as a run names its file,
// line and column, the key path and what was expected (status 2).
func TestConfigMessages(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, content, want string }{
		{"empty.json", "\n", "config DIR/empty.json is empty: it must hold a JSON object"},
		{"type.json", "{\n  \"train\": {\n    \"steps\": \"5000\"\n  }\n}\n", `config DIR/type.json:3:14: train.steps: expected an integer, got the string "5000"`},
		{"typo.json", "{\"model\": {\"latnts\": 3}}", `config DIR/typo.json:1:12: model: unknown key "latnts"; did you mean "model.latents"?`},
		{"broken.json", "{\"model\": {\"kind\": \n", "config DIR/broken.json:2:1: model.kind: invalid JSON: the JSON document ends early"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		writeFile(t, p, c.content)
		for _, args := range [][]string{
			{"train", "--config", p, "--out", filepath.Join(dir, "o")},
			{"ablate", "--config", p, "--out", filepath.Join(dir, "a")},
		} {
			st, _, e := runCmd(t, args...)
			want := strings.ReplaceAll(c.want, "DIR", dir)
			if st != 2 || strings.TrimSpace(e) != "rnnlab "+args[0]+": "+want && !strings.HasPrefix(e, "rnnlab "+args[0]+": "+want) {
				t.Errorf("%s %s: status %d, %q; want 2 and %q", args[0], c.name, st, e, want)
			}
		}
	}
	grid := filepath.Join(dir, "grid.json")
	writeFile(t, grid, "{\n\"train.lr\": [1e-3],\n\"modles\": [\"plrnn\"]}")
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", filepath.Join(dir, "s")); st != 2 || !strings.Contains(e, `did you mean "models"?`) {
		t.Errorf("grid typo: %d %q", st, e)
	}
	writeFile(t, grid, "")
	if st, _, e := runCmd(t, "sweep", "--grid", grid, "--out", filepath.Join(dir, "s")); st != 2 || !strings.Contains(e, "grid "+grid+" is empty") {
		t.Errorf("empty grid: %d %q", st, e)
	}
}
