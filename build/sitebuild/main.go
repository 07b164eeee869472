// Command sitebuild precompresses a built site folder: beside every .wasm,
// .js, .html, .css, .json, .svg and .npy file it writes FILE.br (brotli,
// quality 11) and FILE.gz (gzip -9), which `rnnlab serve` (or any static
// server configured for precompressed files) sends to browsers that accept
// them. It then prints a table of the raw, gzip and brotli sizes.
//
// Usage:
//
//	go run ./build/sitebuild [--json sizes.json] DIR
//
// Siblings that already hold a file's bytes are kept, so a rebuild only
// recompresses what changed, and siblings whose file is gone are removed.
// Files are compressed in parallel, one per core.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// compressible lists the extensions that get .br and .gz siblings. Images
// other than SVG are already compressed.
var compressible = map[string]bool{
	".wasm": true, ".js": true, ".mjs": true, ".html": true, ".css": true,
	".json": true, ".svg": true, ".npy": true, ".csv": true, ".txt": true,
}

// entry is one file's row of the size table.
type entry struct {
	Path   string `json:"path"`
	Raw    int64  `json:"raw"`
	Gzip   int64  `json:"gzip"`
	Brotli int64  `json:"brotli"`
	Reused bool   `json:"-"`
}

func main() {
	jsonOut := flag.String("json", "", "also write the size table as JSON to this file (outside DIR)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: sitebuild [--json sizes.json] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)
	entries, err := compressDir(dir, runtime.GOMAXPROCS(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitebuild:", err)
		os.Exit(1)
	}
	printTable(os.Stdout, dir, entries)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(entries, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "sitebuild:", err)
			os.Exit(1)
		}
	}
}

// compressDir writes the siblings of every compressible file under dir,
// with workers files at a time, and returns the rows sorted by path.
func compressDir(dir string, workers int) ([]entry, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if compressible[strings.ToLower(filepath.Ext(p))] {
			paths = append(paths, p)
		}
		if ext := filepath.Ext(p); ext == ".br" || ext == ".gz" {
			if _, err := os.Stat(strings.TrimSuffix(p, ext)); errors.Is(err, fs.ErrNotExist) {
				return os.Remove(p) // the sibling of a file no longer built
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	entries := make([]entry, len(paths))
	errs := make([]error, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(workers, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				entries[i], errs[i] = compressFile(paths[i])
				entries[i].Path, _ = filepath.Rel(dir, paths[i])
				entries[i].Path = filepath.ToSlash(entries[i].Path)
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return entries, nil
}

// compressFile writes p.br and p.gz, unless they already hold p's bytes
// (p.gz decompresses to p and p.br exists: the .br is written first, so a
// matching .gz means the .br was written for the same bytes).
func compressFile(p string) (entry, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return entry{}, err
	}
	e := entry{Raw: int64(len(data))}
	br, gz := p+".br", p+".gz"
	if bs, err := os.Stat(br); err == nil {
		if old, err := os.ReadFile(gz); err == nil && gunzipEquals(old, data) {
			e.Brotli, e.Gzip, e.Reused = bs.Size(), int64(len(old)), true
			return e, nil
		}
	}
	var bb bytes.Buffer
	bw := brotli.NewWriterOptions(&bb, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
	bw.Write(data)
	if err := bw.Close(); err != nil {
		return e, fmt.Errorf("%s: brotli: %v", p, err)
	}
	var gb bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gb, gzip.BestCompression)
	gw.Write(data)
	if err := gw.Close(); err != nil {
		return e, fmt.Errorf("%s: gzip: %v", p, err)
	}
	if err := writeAtomic(br, bb.Bytes()); err != nil {
		return e, err
	}
	if err := writeAtomic(gz, gb.Bytes()); err != nil {
		return e, err
	}
	e.Brotli, e.Gzip = int64(bb.Len()), int64(gb.Len())
	return e, nil
}

func gunzipEquals(gz, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(zr)
	return err == nil && bytes.Equal(got, want)
}

// writeAtomic writes b to p through a temporary file, so a server never
// sends a half-written sibling.
func writeAtomic(p string, b []byte) error {
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func printTable(w io.Writer, dir string, entries []entry) {
	fmt.Fprintf(w, "%-28s %12s %12s %12s %7s\n", dir, "raw", "gzip -9", "brotli 11", "br/raw")
	var raw, gz, br int64
	for _, e := range entries {
		note := ""
		if e.Reused {
			note = "  (unchanged)"
		}
		fmt.Fprintf(w, "%-28s %12d %12d %12d %6.1f%%%s\n", e.Path, e.Raw, e.Gzip, e.Brotli, pct(e.Brotli, e.Raw), note)
		raw, gz, br = raw+e.Raw, gz+e.Gzip, br+e.Brotli
	}
	fmt.Fprintf(w, "%-28s %12d %12d %12d %6.1f%%\n", "total", raw, gz, br, pct(br, raw))
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
