package npy

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
)

// ReadNPZ decodes every "<name>.npy" member of an .npz archive (stored or
// deflated, as numpy.savez and numpy.savez_compressed write them) and returns
// them by name without the ".npy" suffix.
func ReadNPZ(r io.ReaderAt, size int64) (map[string]*Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npy: not an .npz (zip) archive: %v", err)
	}
	out := make(map[string]*Array, len(zr.File))
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".npy") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npy: member %s: %v", f.Name, err)
		}
		a, err := Read(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("member %s: %w", f.Name, err)
		}
		out[strings.TrimSuffix(f.Name, ".npy")] = a
	}
	return out, nil
}

// WriteNPZ writes the arrays as an uncompressed .npz archive with members in
// the order of names, each as "<name>.npy" with dtype "<f8".
func WriteNPZ(w io.Writer, names []string, arrays map[string]*Array) error {
	zw := zip.NewWriter(w)
	for _, name := range names {
		a, ok := arrays[name]
		if !ok {
			return fmt.Errorf("npy: WriteNPZ: no array named %q", name)
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if err := Write(fw, a, "<f8"); err != nil {
			return err
		}
	}
	return zw.Close()
}
