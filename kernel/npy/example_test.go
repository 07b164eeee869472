package npy_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/rnnlab/rnnlab/kernel/npy"
)

// ExampleRead reads a 2×3 float32 array stored in Fortran (column-major)
// order, as Julia and MATLAB exporters write it; Read returns it in C order.
func ExampleRead() {
	hdr := "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n"
	file := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), 0) // magic, version 1.0, HEADER_LEN
	file = append(file, hdr...)
	for _, v := range []float32{1, 4, 2, 5, 3, 6} { // columns (1, 4), (2, 5), (3, 6)
		file = binary.LittleEndian.AppendUint32(file, math.Float32bits(v))
	}
	a, err := npy.Read(bytes.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Shape, a.Data)

	// Object arrays would need pickle; they are refused, with the offset.
	_, err = npy.Read(bytes.NewReader([]byte("\x93NUMPY\x01\x00\x36\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,)}")))
	fmt.Println(err)
	// Output:
	// [2 3] [1 2 3 4 5 6]
	// npy: unsupported dtype "|O": object arrays need pickle, which would execute code from the file; refused (at byte 20)
}

// ExampleWrite writes a trajectory as numpy.save does; np.load reads it.
func ExampleWrite() {
	traj := &npy.Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}
	var buf bytes.Buffer
	if err := npy.Write(&buf, traj, "<f8"); err != nil {
		fmt.Println(err)
		return
	}
	b := buf.Bytes()
	fmt.Printf("%q\n", b[:8])
	fmt.Printf("%q\n", bytes.TrimRight(b[10:128], " \n"))
	fmt.Println("data at byte", 10+int(b[8])|int(b[9])<<8, "of", len(b))
	// Output:
	// "\x93NUMPY\x01\x00"
	// "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
	// data at byte 128 of 176
}

// ExampleWriteNPZ writes two arrays into one archive, as numpy.savez does,
// and reads them back.
func ExampleWriteNPZ() {
	arrays := map[string]*npy.Array{
		"t": {Shape: []int{3}, Data: []float64{0, 0.5, 1}},
		"x": {Shape: []int{3, 1}, Data: []float64{1, 0.5, 0.25}},
	}
	var buf bytes.Buffer
	if err := npy.WriteNPZ(&buf, arrays, "x", "t"); err != nil {
		fmt.Println(err)
		return
	}
	back, err := npy.ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for k := range back {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Println(k, back[k].Shape, back[k].Data)
	}
	// Output:
	// t [3] [0 0.5 1]
	// x [3 1] [1 0.5 0.25]
}
