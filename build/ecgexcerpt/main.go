// Command ecgexcerpt derives the small ECG the page ships
// (wasm/session/ecg100.npy) from PhysioNet's MIT-BIH Arrhythmia Database
// record 100 (Moody & Mark, IEEE EMB 2001; Goldberger et al., Circulation
// 2000; Open Data Commons Attribution License v1.0): lead MLII, the first
// 120 s, baseline wander removed by the 200 ms / 600 ms median filters,
// smoothed by a 4-sample moving average and resampled from 360 Hz to 90 Hz,
// stored as float32 millivolts.
//
//	go run ./build/ecgexcerpt ../shared/data/ecg/100 wasm/session/ecg100.npy
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/kernel/embed"
	"github.com/rnnlab/rnnlab/kernel/npy"
	"github.com/rnnlab/rnnlab/kernel/wfdb"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ecgexcerpt RECORD OUT.npy")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "ecgexcerpt:", err)
		os.Exit(1)
	}
}

func run(record, out string) error {
	hb, err := os.ReadFile(record + ".hea")
	if err != nil {
		return err
	}
	h, err := wfdb.ParseHeader(filepath.Base(record)+".hea", hb)
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	for _, s := range h.Signals {
		if _, ok := files[s.File]; !ok {
			if files[s.File], err = os.ReadFile(filepath.Join(filepath.Dir(record), s.File)); err != nil {
				return err
			}
		}
	}
	r, err := wfdb.Decode(h, files)
	if err != nil {
		return err
	}
	const fs, to, seconds = 360.0, 90.0, 120
	x := r.Physical(0)[:fs*seconds]
	x = embed.RemoveBaseline(x, fs)
	smooth := make([]float64, len(x))
	for i := range x {
		var s float64
		k := 0
		for j := max(0, i-2); j < min(len(x), i+2); j++ {
			s += x[j]
			k++
		}
		smooth[i] = s / float64(k)
	}
	y := embed.Resample(smooth, fs, to)
	var buf bytes.Buffer
	if err := npy.Write(&buf, &npy.Array{Shape: []int{len(y)}, Data: y}, "<f4"); err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d samples at %g Hz (%d s of %s lead %s)\n", out, len(y), to, seconds, h.Record, h.Signals[0].Description)
	return os.Rename(tmp, out)
}
