package recipe

import (
	"errors"
	"strings"
	"testing"
)

// TestDecodeConfigMessages: every config that cannot be decoded is refused
// with the line and column, the key path, what was expected and, for an
// unknown key, the nearest valid one; nothing is reported in Go's terms.
func TestDecodeConfigMessages(t *testing.T) {
	cases := []struct {
		name, doc string
		line, col int
		want      []string
	}{
		{"empty", " \n\t\n", 0, 0, []string{"empty"}},
		{"wrong type", "{\n  \"train\": {\n    \"steps\": \"5000\"\n  }\n}", 3, 14, []string{"train.steps", "expected an integer", `the string "5000"`}},
		{"fraction for int", `{"train": {"eval_every": 2.5}}`, 1, 26, []string{"train.eval_every", "expected an integer", "2.5"}},
		{"negative seed", `{"train": {"seed": -1}}`, 1, 20, []string{"train.seed", "non-negative integer"}},
		{"null", `{"model": {"latents": null}}`, 1, 23, []string{"model.latents", "got null"}},
		{"typo", "{\"model\": {\n \"latnts\": 3}}", 2, 2, []string{`unknown key "latnts"`, `did you mean "model.latents"?`}},
		{"wrong section", `{"model": {"lr": 0.1}}`, 1, 12, []string{`unknown key "lr"`, `train.lr`}},
		{"unknown section", `{"trian": {}}`, 1, 2, []string{`unknown key "trian"`, `did you mean "train"?`}},
		{"far-off key", `{"eval": {"zzzzzzzz": 1}}`, 1, 11, []string{`unknown key "zzzzzzzz"`, "bins"}},
		{"section not an object", `{"train": 5}`, 1, 11, []string{"train", "expected an object", "the number 5"}},
		{"list of ints", `{"data": {"delays": [1, "x"]}}`, 1, 25, []string{"data.delays[1]", "expected an integer"}},
		{"syntax", "{\"model\": {\"kind\": \n", 2, 1, []string{"invalid JSON"}},
		{"trailing", `{"model": {}},`, 1, 14, []string{"unexpected text after"}},
		{"twice", `{"train": {"lr": 0.1, "lr": 0.2}}`, 1, 23, []string{"train.lr", "twice"}},
		{"top level not an object", `[1, 2]`, 1, 1, []string{"expected an object", "a list"}},
	}
	for _, c := range cases {
		_, err := DecodeConfig([]byte(c.doc))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: error %v is not a *DecodeError", c.name, err)
			continue
		}
		if de.Line != c.line || de.Column != c.col {
			t.Errorf("%s: at line %d column %d, want %d:%d (%v)", c.name, de.Line, de.Column, c.line, c.col, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", c.name, err, w)
			}
		}
		for _, leak := range []string{"Go struct", "unmarshal", "json:", "TrainConfig"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: %q leaks %q", c.name, err, leak)
			}
		}
	}
	if _, err := DecodeConfig(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty document: %v, want ErrEmpty", err)
	}
}

// TestDecodeConfigAccepts: what encoding/json decodes into the config (and
// what the program writes) still decodes, to the same values.
func TestDecodeConfigAccepts(t *testing.T) {
	doc := `{"model": {"kind": "plrnn", "latents": 4},
	  "data": {"zscore": null, "delays": [1, 2], "test_fraction": 2e-1},
	  "train": {"Steps": 100, "seed": 18446744073709551615, "lr": 1e-3}}`
	cfg, err := DecodeConfig([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Latents != 4 || cfg.Train.Steps != 100 || cfg.Train.Seed != 1<<64-1 || cfg.Data.TestFraction != 0.2 || len(cfg.Data.Delays) != 2 || cfg.Model.Bases != Default().Model.Bases {
		t.Errorf("decoded %+v", cfg)
	}
	var grid map[string]any
	if err := DecodeStrict([]byte(`{"base": {"a": [1, {"b": null}]}, "train.lr": [1, 2]}`), &grid); err != nil {
		t.Errorf("free-form map: %v", err)
	}
}

func TestNearest(t *testing.T) {
	for _, c := range []struct {
		s, want string
		ok      bool
	}{
		{"latnts", "latents", true},
		{"stpes", "steps", true},
		{"xyz", "", false},
	} {
		got, ok := Nearest(c.s, []string{"latents", "steps", "bases"})
		if got != c.want || ok != c.ok {
			t.Errorf("Nearest(%q) = %q, %v", c.s, got, ok)
		}
	}
	if d := EditDistance("kitten", "sitting"); d != 3 { // the textbook example
		t.Errorf("EditDistance(kitten, sitting) = %d, want 3", d)
	}
}
