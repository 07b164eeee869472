package view

// The glyph tables are plain data, built for every target so they are tested
// natively (draw.go, which rasterises them, is js-only).

// extra holds hand-drawn 6×13 glyphs (same metrics: baseline below row 10)
// for the symbols the views and messages print most, placed in the atlas
// cells 1…len(extra) that ASCII leaves empty.
var extra = []struct {
	r    rune
	rows [13]string
}{
	{'λ', [13]string{2: "#.....", 3: ".#....", 4: ".#....", 5: "..#...", 6: "..#...", 7: ".#.#..", 8: ".#.#..", 9: "#...#.", 10: "#...#."}},
	{'α', [13]string{5: ".##.#.", 6: "#..##.", 7: "#...#.", 8: "#...#.", 9: "#..##.", 10: ".##.#."}},
	{'τ', [13]string{5: "#####.", 6: "..#...", 7: "..#...", 8: "..#...", 9: "..#...", 10: "...##."}},
	{'±', [13]string{3: "..#...", 4: "..#...", 5: "#####.", 6: "..#...", 7: "..#...", 9: "#####."}},
	{'×', [13]string{5: "#...#.", 6: ".#.#..", 7: "..#...", 8: ".#.#..", 9: "#...#."}},
	{'·', [13]string{7: "..#..."}},
	{'…', [13]string{10: "#.#.#."}},
	{'≥', [13]string{3: "#.....", 4: ".##...", 5: "...##.", 6: ".##...", 7: "#.....", 9: "#####."}},
	{'≤', [13]string{3: "....#.", 4: "..##..", 5: "##....", 6: "..##..", 7: "....#.", 9: "#####."}},
	{'µ', [13]string{5: "#...#.", 6: "#...#.", 7: "#...#.", 8: "#...#.", 9: "##..#.", 10: "#.##..", 11: "#....."}},
}

// fold maps other non-ASCII runes the views and messages use to the ASCII
// glyph drawn for them; anything else draws as '?'.
var fold = map[rune]rune{
	'−': '-', '–': '-', '—': '-', 'μ': 'µ',
	'₀': '0', '₁': '1', '₂': '2', '₃': '3', '¹': '1', '²': '2', '³': '3',
	'ö': 'o', 'ü': 'u', 'é': 'e', '’': '\'', '‘': '\'', '“': '"', '”': '"',
	'‖': '|', // a norm ‖x‖ (figure labels of the plastic kind) reads as |x|
}

// cell returns the atlas cell of r.
func cell(r rune) int {
	if r >= 32 && r < 127 {
		return int(r)
	}
	if f, ok := fold[r]; ok {
		r = f
		if r < 127 {
			return int(r)
		}
	}
	for i, e := range extra {
		if e.r == r {
			return 1 + i
		}
	}
	return '?'
}
