package npy

import (
	"archive/zip"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ReadNPZ decodes every "<name>.npy" member of an .npz archive, stored or
// deflated as numpy.savez and numpy.savez_compressed write them, and returns
// the arrays by name without the ".npy" suffix. Members with other names
// are skipped; a name that occurs twice is an error. Each member is read to
// its end so that the archive's CRC-32 is checked.
func ReadNPZ(r io.ReaderAt, size int64) (map[string]*Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npy: not an .npz (zip) archive: %w", err)
	}
	out := make(map[string]*Array, len(zr.File))
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			continue
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("npy: .npz member %q occurs twice", f.Name)
		}
		a, err := readMember(f)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}

func readMember(f *zip.File) (*Array, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("npy: .npz member %q: %w", f.Name, err)
	}
	defer rc.Close()
	a, err := Read(rc)
	if err != nil {
		return nil, fmt.Errorf("npy: .npz member %q: %w", f.Name, err)
	}
	// Bytes after the array are ignored, as NumPy ignores them, but read
	// to the end: only then does archive/zip verify the checksum.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, fmt.Errorf("npy: .npz member %q: %w", f.Name, err)
	}
	return a, nil
}

// WriteNPZ writes arrays as an uncompressed .npz archive, as numpy.savez
// does, each as a "<name>.npy" member with dtype "<f8". Members follow the
// order of names; with no names, all arrays in sorted order. Timestamps are
// zero, so equal inputs give equal bytes. Every name must be a key of
// arrays, non-empty and given once.
func WriteNPZ(w io.Writer, arrays map[string]*Array, names ...string) error {
	if len(names) == 0 {
		for k := range arrays {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		if _, ok := arrays[name]; !ok || name == "" || seen[name] {
			return fmt.Errorf("npy: WriteNPZ: name %q is empty, repeated or not among the arrays", name)
		}
		seen[name] = true
	}
	zw := zip.NewWriter(w)
	for _, name := range names {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if err := Write(fw, arrays[name], "<f8"); err != nil {
			return fmt.Errorf("npy: .npz member %q: %w", name+".npy", err)
		}
	}
	return zw.Close()
}
