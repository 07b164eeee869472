package wfdb

import (
	"encoding/binary"
	"fmt"
)

// Annotation is one entry of an MIT-format annotation file.
type Annotation struct {
	Sample int64  // sample number (time) of the annotation
	Code   int    // annotation type code (1–49)
	Symbol string // its mnemonic, e.g. "N", "V", "+"
	Sub    int    // subtype
	Chan   int    // signal number
	Num    int    // annotator-specific number
	Aux    string // auxiliary text (rhythm labels such as "(N")
}

// symbols are the standard mnemonics of the annotation codes (ecgcodes.h).
var symbols = map[int]string{
	1: "N", 2: "L", 3: "R", 4: "a", 5: "V", 6: "F", 7: "J", 8: "A", 9: "S", 10: "E",
	11: "j", 12: "/", 13: "Q", 14: "~", 16: "|", 18: "s", 19: "T", 20: "*", 21: "D",
	22: "\"", 23: "=", 24: "p", 25: "B", 26: "^", 27: "t", 28: "+", 29: "u", 30: "?",
	31: "!", 32: "[", 33: "]", 34: "e", 35: "n", 36: "@", 37: "x", 38: "f", 39: "(",
	40: ")", 41: "r",
}

// Pseudo-annotation codes of the MIT format (annot(5)).
const (
	codeSkip = 59
	codeNum  = 60
	codeSub  = 61
	codeChan = 62
	codeAux  = 63
)

// ParseAnnotations decodes an MIT-format annotation file: a sequence of
// little-endian 16-bit words whose top 6 bits are a code and low 10 bits an
// interval (or a length), with SKIP (a 32-bit interval), NUM, SUB, CHAN and
// AUX pseudo-codes modifying the annotation they follow, ended by a zero word.
func ParseAnnotations(name string, b []byte) ([]Annotation, error) {
	var out []Annotation
	var t int64
	num, chn := 0, 0
	fail := func(off int, format string, args ...any) error {
		return &Error{File: name, Off: int64(off), Msg: fmt.Sprintf(format, args...)}
	}
	for i := 0; ; {
		if i+2 > len(b) {
			if i == len(b) {
				return out, nil // no end marker: accept what was read
			}
			return nil, fail(i, "truncated annotation word")
		}
		w := binary.LittleEndian.Uint16(b[i:])
		code, val := int(w>>10), int(w&0x3ff)
		i += 2
		switch {
		case code == 0 && val == 0:
			return out, nil
		case code == codeSkip:
			if i+4 > len(b) {
				return nil, fail(i, "truncated SKIP interval")
			}
			hi := uint32(binary.LittleEndian.Uint16(b[i:]))
			lo := uint32(binary.LittleEndian.Uint16(b[i+2:]))
			t += int64(int32(hi<<16 | lo))
			i += 4
		case code == codeNum:
			if len(out) == 0 {
				return nil, fail(i-2, "NUM before the first annotation")
			}
			num = val
			out[len(out)-1].Num = num
		case code == codeSub:
			if len(out) == 0 {
				return nil, fail(i-2, "SUB before the first annotation")
			}
			out[len(out)-1].Sub = val
		case code == codeChan:
			if len(out) == 0 {
				return nil, fail(i-2, "CHAN before the first annotation")
			}
			chn = val
			out[len(out)-1].Chan = chn
		case code == codeAux:
			if len(out) == 0 {
				return nil, fail(i-2, "AUX before the first annotation")
			}
			n := val
			if i+n > len(b) {
				return nil, fail(i, "AUX string of %d bytes runs past the end of the file", n)
			}
			aux := b[i : i+n]
			for len(aux) > 0 && aux[len(aux)-1] == 0 {
				aux = aux[:len(aux)-1]
			}
			out[len(out)-1].Aux = string(aux)
			i += n + n%2
		case code >= 1 && code <= 49:
			t += int64(val)
			sym := symbols[code]
			if sym == "" {
				sym = fmt.Sprintf("[%d]", code)
			}
			out = append(out, Annotation{Sample: t, Code: code, Symbol: sym, Num: num, Chan: chn})
		default:
			return nil, fail(i-2, "unknown annotation code %d", code)
		}
	}
}
