package chartask

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/rnnlab/rnnlab/kernel/rng"
)

// KeyRecallChars is the charset of the synthetic tasks ("0?!123,. ").
const KeyRecallChars = "0?!123,. "

// keyChars are the characters a key-recall key is drawn from.
const keyChars = "123,. "

// Charset maps characters to indices 0..Size()−1 in the order given.
type Charset struct {
	chars []rune
	index map[rune]int
}

// NewCharset returns the charset of the distinct characters of s, in order.
// It fails on an empty or invalid UTF-8 string or a repeated character.
func NewCharset(s string) (*Charset, error) {
	if s == "" {
		return nil, errors.New("chartask: empty charset")
	}
	if !utf8.ValidString(s) {
		return nil, errors.New("chartask: charset is not valid UTF-8")
	}
	c := &Charset{index: map[rune]int{}}
	for _, r := range s {
		if _, ok := c.index[r]; ok {
			return nil, fmt.Errorf("chartask: charset repeats %q", r)
		}
		c.index[r] = len(c.chars)
		c.chars = append(c.chars, r)
	}
	return c, nil
}

// Size is the number of characters.
func (c *Charset) Size() int { return len(c.chars) }

// Index returns the index of r and whether r is in the charset.
func (c *Charset) Index(r rune) (int, bool) {
	i, ok := c.index[r]
	return i, ok
}

// Char returns the character of index i.
func (c *Charset) Char(i int) rune { return c.chars[i] }

// Encode appends the indices of s to dst. It fails, naming the character and
// its byte offset, on a character outside the charset or invalid UTF-8.
func (c *Charset) Encode(dst []int, s string) ([]int, error) {
	for off, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[off:]); size <= 1 {
				return dst, fmt.Errorf("chartask: invalid UTF-8 at byte %d", off)
			}
		}
		i, ok := c.index[r]
		if !ok {
			return dst, fmt.Errorf("chartask: character %q at byte %d is not in the charset %q", r, off, string(c.chars))
		}
		dst = append(dst, i)
	}
	return dst, nil
}

// Decode returns the string of the indices.
func (c *Charset) Decode(idx []int) string {
	rs := make([]rune, len(idx))
	for k, i := range idx {
		rs[k] = c.chars[i]
	}
	return string(rs)
}

// Task draws sequences of character indices.
type Task interface {
	// Charset is the task's alphabet.
	Charset() *Charset
	// Sample appends one sequence to dst[:0] and returns it.
	Sample(dst []int, r *rng.Rand) []int
}

func mustCharset(s string) *Charset {
	c, err := NewCharset(s)
	if err != nil {
		panic(err)
	}
	return c
}

// KeyRecall is the key-recall task (see the package documentation).
type KeyRecall struct{ cs *Charset }

// NewKeyRecall returns the key-recall task over KeyRecallChars.
func NewKeyRecall() *KeyRecall { return &KeyRecall{cs: mustCharset(KeyRecallChars)} }

// Charset implements Task.
func (k *KeyRecall) Charset() *Charset { return k.cs }

// Sample implements Task: zeros (1–5), '?', key, zeros (1–2), '!', key.
func (k *KeyRecall) Sample(dst []int, r *rng.Rand) []int {
	z1 := 1 + r.IntN(5)
	key := keyChars[r.IntN(len(keyChars))]
	z2 := 1 + r.IntN(2)
	return k.build(dst[:0], z1, rune(key), z2)
}

func (k *KeyRecall) build(dst []int, z1 int, key rune, z2 int) []int {
	zero, _ := k.cs.Index('0')
	q, _ := k.cs.Index('?')
	bang, _ := k.cs.Index('!')
	ki, _ := k.cs.Index(key)
	for i := 0; i < z1; i++ {
		dst = append(dst, zero)
	}
	dst = append(dst, q, ki)
	for i := 0; i < z2; i++ {
		dst = append(dst, zero)
	}
	return append(dst, bang, ki)
}

// Resequence is the n-resequence task: k ∈ {1..N} distinct characters
// repeated in turn for Length characters.
type Resequence struct {
	cs     *Charset
	N      int
	Length int
}

// NewResequence returns the n-resequence task over KeyRecallChars; it fails
// if n is not in 1..9 or length < 2.
func NewResequence(n, length int) (*Resequence, error) {
	cs := mustCharset(KeyRecallChars)
	if n < 1 || n > cs.Size() {
		return nil, fmt.Errorf("chartask: resequence n = %d, want 1..%d", n, cs.Size())
	}
	if length < 2 {
		return nil, fmt.Errorf("chartask: resequence length = %d, want ≥ 2", length)
	}
	return &Resequence{cs: cs, N: n, Length: length}, nil
}

// Charset implements Task.
func (t *Resequence) Charset() *Charset { return t.cs }

// Sample implements Task.
func (t *Resequence) Sample(dst []int, r *rng.Rand) []int {
	k := 1 + r.IntN(t.N)
	perm := r.Perm(t.cs.Size())[:k]
	dst = dst[:0]
	for i := 0; i < t.Length; i++ {
		dst = append(dst, perm[i%k])
	}
	return dst
}

// Palindrome is a left half of HalfLength random characters, a random middle
// character and the mirrored half (synth_datasets.py, fixed length).
type Palindrome struct {
	cs         *Charset
	HalfLength int
}

// NewPalindrome returns the palindrome task over KeyRecallChars.
func NewPalindrome(halfLength int) (*Palindrome, error) {
	if halfLength < 1 {
		return nil, fmt.Errorf("chartask: palindrome half length = %d, want ≥ 1", halfLength)
	}
	return &Palindrome{cs: mustCharset(KeyRecallChars), HalfLength: halfLength}, nil
}

// Charset implements Task.
func (t *Palindrome) Charset() *Charset { return t.cs }

// Sample implements Task.
func (t *Palindrome) Sample(dst []int, r *rng.Rand) []int {
	n := t.cs.Size()
	dst = dst[:0]
	for i := 0; i < t.HalfLength; i++ {
		dst = append(dst, r.IntN(n))
	}
	dst = append(dst, r.IntN(n))
	for i := t.HalfLength - 1; i >= 0; i-- {
		dst = append(dst, dst[i])
	}
	return dst
}

// Text draws windows of Length characters from a corpus.
type Text struct {
	cs     *Charset
	data   []int
	Length int
}

// NewText encodes corpus (UTF-8) with the charset of its distinct characters
// (or with charset when it is not empty) and draws windows of length
// characters. It fails on an empty corpus, invalid UTF-8, a character outside
// charset, or a corpus shorter than the window.
func NewText(corpus []byte, charset string, length int) (*Text, error) {
	if len(corpus) == 0 {
		return nil, errors.New("chartask: empty corpus")
	}
	if !utf8.Valid(corpus) {
		for off := 0; off < len(corpus); {
			r, size := utf8.DecodeRune(corpus[off:])
			if r == utf8.RuneError && size <= 1 {
				return nil, fmt.Errorf("chartask: corpus is not UTF-8 (invalid byte at offset %d)", off)
			}
			off += size
		}
	}
	s := string(corpus)
	if charset == "" {
		seen := map[rune]bool{}
		var rs []rune
		for _, r := range s {
			if !seen[r] {
				seen[r] = true
				rs = append(rs, r)
			}
		}
		charset = string(rs)
	}
	cs, err := NewCharset(charset)
	if err != nil {
		return nil, err
	}
	data, err := cs.Encode(nil, s)
	if err != nil {
		return nil, err
	}
	if length < 2 || length > len(data) {
		return nil, fmt.Errorf("chartask: text window length = %d, want 2..%d (the corpus length in characters)", length, len(data))
	}
	return &Text{cs: cs, data: data, Length: length}, nil
}

// Charset implements Task.
func (t *Text) Charset() *Charset { return t.cs }

// Sample implements Task: a uniformly placed window.
func (t *Text) Sample(dst []int, r *rng.Rand) []int {
	start := r.IntN(len(t.data) - t.Length + 1)
	return append(dst[:0], t.data[start:start+t.Length]...)
}
