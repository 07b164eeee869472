package view

import "testing"

func TestGlyphCells(t *testing.T) {
	for r := rune(32); r < 127; r++ {
		if cell(r) != int(r) {
			t.Fatalf("ASCII %q goes to cell %d", r, cell(r))
		}
	}
	seen := map[int]rune{}
	for i, e := range extra {
		c := cell(e.r)
		if c != 1+i || c >= 32 {
			t.Errorf("%q goes to cell %d, want %d (below the ASCII cells)", e.r, c, 1+i)
		}
		if prev, ok := seen[c]; ok {
			t.Errorf("%q and %q share cell %d", prev, e.r, c)
		}
		seen[c] = e.r
		inked := 0
		for y, row := range e.rows {
			if len(row) != 0 && len(row) != 6 {
				t.Errorf("%q row %d is %d wide, want 6 (the font's glyph width)", e.r, y, len(row))
			}
			for _, b := range row {
				if b == '#' {
					inked++
				} else if b != '.' {
					t.Errorf("%q row %d has %q (only # and .)", e.r, y, b)
				}
			}
		}
		if inked == 0 {
			t.Errorf("%q draws nothing", e.r)
		}
	}
	for in, want := range map[rune]int{'−': '-', '₁': '1', '‖': '|', 'μ': cell('µ'), '☃': '?', '\t': '?'} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %d, want %d", in, got, want)
		}
	}
}
