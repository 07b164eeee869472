package main

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestSweepGridOfSchemes: the reference's sweeps of the task kind (θ ∈ {10,
// 20, 40}, stages ∈ {1, 2, 6, 11}, β₀ ∈ {0, 0.2, 0.5, 0.8}; Soo, Goudar &
// Wang 2023) are one grid file, 48 runs, each config carrying its values.
func TestSweepGridOfSchemes(t *testing.T) {
	grid := `{"base": {"kind": "task", "task": {"task": "dlydm1", "method": "dasc", "networks": 8}},
	  "task.skip": [10, 20, 40], "task.stages": [1, 2, 6, 11], "task.beta": [0, 0.2, 0.5, 0.8]}`
	d, err := expandGridBytes([]byte(grid), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "task" || len(d.Runs) != 48 || len(d.configs) != 48 {
		t.Fatalf("kind %q, %d runs, %d configs; want task, 48, 48", d.Kind, len(d.Runs), len(d.configs))
	}
	seen := map[string]bool{}
	for i, c := range d.configs {
		var f struct {
			Task struct {
				Task, Method string
				Skip, Stages int
				Beta         float64
				Networks     int
			}
		}
		if err := json.Unmarshal(c, &f); err != nil {
			t.Fatal(err)
		}
		v := d.Runs[i].Values
		want := fmt.Sprintf("%s/%s/%s", v["task.skip"], v["task.stages"], v["task.beta"])
		got := fmt.Sprintf("%d/%d/%v", f.Task.Skip, f.Task.Stages, f.Task.Beta)
		if got != want || f.Task.Task != "dlydm1" || f.Task.Method != "dasc" || f.Task.Networks != 8 {
			t.Errorf("run %d: config %s, values %s (want the base's task, method, networks)", i, got, want)
		}
		seen[got] = true
	}
	if len(seen) != 48 {
		t.Errorf("%d distinct settings, want 48", len(seen))
	}
}
