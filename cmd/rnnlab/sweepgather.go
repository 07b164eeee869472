package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/rules/recipe"
)

// gatherSweep writes DIR/results.md and results.csv (one row per run) and,
// grouping the runs of a setting over seeds, mean ± s.e.m. of each metric
// (the runs that finished without diverging); it prints the table and the
// runs still missing.
func gatherSweep(d *sweepDoc, stdout io.Writer) error {
	if d.Kind != "" && d.Kind != recipe.SeriesKind {
		return gatherKindSweep(d, stdout)
	}
	res := make([]sweepResult, len(d.Runs))
	var missing []string
	horizon := 0
	for i := range d.Runs {
		st := runState(d.runDir(i))
		r := sweepResult{State: st}
		if st == stateFinished {
			m, ok := readFinalMetrics(d.runDir(i))
			if !ok {
				r.State = stateInterrupted
			} else {
				r.Metrics = m
				horizon = m.Horizon
				if m.Diverged || math.IsInf(m.Dstsp, 0) || math.IsNaN(m.Dstsp) {
					r.State = "diverged"
				}
			}
		}
		if r.State == stateMissing || r.State == stateInterrupted {
			missing = append(missing, fmt.Sprintf("%d (%s)", i, r.State))
		}
		res[i] = r
	}
	md, csvText := sweepTables(d, res, horizon)
	return writeSweepResults(d, md, csvText, missing, stdout)
}

// writeSweepResults writes DIR/results.md and results.csv, prints the
// table and names the runs still missing (every kind's gathering).
func writeSweepResults(d *sweepDoc, md, csvText string, missing []string, stdout io.Writer) error {
	if err := writeAtomic(filepath.Join(d.dir, "results.md"), func(w io.Writer) error { _, err := io.WriteString(w, md); return err }); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(d.dir, "results.csv"), func(w io.Writer) error { _, err := io.WriteString(w, csvText); return err }); err != nil {
		return err
	}
	fmt.Fprint(stdout, md)
	done := len(d.Runs) - len(missing)
	fmt.Fprintf(stdout, "%d of %d runs finished; wrote %s/{results.md, results.csv}\n", done, len(d.Runs), d.dir)
	if len(missing) > 0 {
		fmt.Fprintf(stdout, "missing: %s\n(train them with 'rnnlab sweep --grid GRID --out %s', or one with 'rnnlab train --config %s --run N')\n",
			strings.Join(missing, ", "), d.dir, filepath.Join(d.dir, sweepFile))
	}
	return nil
}

func fmtMetric(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// sweepTables renders results.md and results.csv.
func sweepTables(d *sweepDoc, res []sweepResult, horizon int) (string, string) {
	var keys []string
	for _, a := range d.Axes {
		keys = append(keys, a.Key)
	}
	pe := "PE"
	if horizon > 0 {
		pe = fmt.Sprintf("PE(%d)", horizon)
	}
	var tb strings.Builder
	var cb bytes.Buffer
	cw := csv.NewWriter(&cb)
	_ = cw.Write(append(append([]string{"run"}, keys...), "status", "d_stsp", "d_h", "pe"))
	fmt.Fprintf(&tb, "# sweep %s\n\n## runs\n\n", d.dir)
	tb.WriteString(mdRow(append(append([]string{"run"}, keys...), "status", "D_stsp", "D_H", pe)))
	tb.WriteString(mdSep(len(keys) + 5))
	for i, r := range d.Runs {
		var vals []string
		for _, k := range keys {
			vals = append(vals, valueText(r.Values[k]))
		}
		m := res[i].Metrics
		cells := []string{"–", "–", "–"}
		csvCells := []string{"", "", ""}
		if res[i].State == stateFinished || res[i].State == "diverged" {
			cells = []string{fmtMetric(m.Dstsp), fmtMetric(m.DH), fmtMetric(m.PE)}
			csvCells = []string{csvFloat(m.Dstsp), csvFloat(m.DH), csvFloat(m.PE)}
		}
		row := append(append([]string{strconv.Itoa(i)}, vals...), res[i].State)
		tb.WriteString(mdRow(append(append([]string{}, row...), cells...)))
		_ = cw.Write(append(row, csvCells...))
	}
	cw.Flush()

	// Mean ± s.e.m. over seeds per setting.
	var group []string
	for _, k := range keys {
		if k != seedAxis {
			group = append(group, k)
		}
	}
	if len(group) < len(keys) {
		tb.WriteString("\n## mean ± s.e.m. over seeds\n\n")
		tb.WriteString(mdRow(append(append([]string{}, group...), "runs", "diverged", "D_stsp", "D_H", pe)))
		tb.WriteString(mdSep(len(group) + 5))
		type agg struct {
			vals        []string
			n, div      int
			ds, dh, pes []float64
		}
		var order []string
		groups := map[string]*agg{}
		for i, r := range d.Runs {
			var vals []string
			for _, k := range group {
				vals = append(vals, valueText(r.Values[k]))
			}
			key := strings.Join(vals, "\x00")
			g, ok := groups[key]
			if !ok {
				g = &agg{vals: vals}
				groups[key] = g
				order = append(order, key)
			}
			g.n++
			switch res[i].State {
			case "diverged":
				g.div++
			case stateFinished:
				m := res[i].Metrics
				g.ds, g.dh, g.pes = append(g.ds, m.Dstsp), append(g.dh, m.DH), append(g.pes, m.PE)
			}
		}
		for _, k := range order {
			g := groups[k]
			ms := func(x []float64) string {
				m, s := meanSE(x)
				if math.IsNaN(m) {
					return "–"
				}
				return fmt.Sprintf("%.4g ± %.2g", m, s)
			}
			tb.WriteString(mdRow(append(append([]string{}, g.vals...), fmt.Sprintf("%d/%d", len(g.ds), g.n), strconv.Itoa(g.div), ms(g.ds), ms(g.dh), ms(g.pes))))
		}
	}
	return tb.String(), cb.String()
}

func csvFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func mdRow(cells []string) string { return "| " + strings.Join(cells, " | ") + " |\n" }

func mdSep(n int) string { return "|" + strings.Repeat("---|", n) + "\n" }
