// Package strictjson decodes JSON documents (configs, grids, run files)
// strictly: every value encoding/json would ignore or report in Go's terms
// is refused with a *DecodeError naming the line, column and key path.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// DecodeError says why a JSON document (a config, a grid, a checkpoint's
// stored config) cannot be decoded: where (line and column, 1-based; 0 when
// the whole document is meant), which key (a dotted path such as
// "train.steps") and what was expected. The caller adds the file's name.
type DecodeError struct {
	Line, Column int
	Path         string
	Msg          string
	err          error // what errors.Is finds (ErrEmpty), if anything
}

func (e *DecodeError) Error() string {
	s := e.Msg
	if e.Path != "" {
		s = e.Path + ": " + s
	}
	if e.Line > 0 {
		s = fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, s)
	}
	return s
}

// ErrEmpty is the error (inside a DecodeError) of a document with no JSON
// value in it: an empty file.
var ErrEmpty = errors.New("the document is empty (no JSON value)")

// Unwrap lets errors.Is find ErrEmpty.
func (e *DecodeError) Unwrap() error { return e.err }

// Decode decodes JSON into v, which must be a pointer. Unlike
// encoding/json alone it refuses, with a *DecodeError naming the line,
// column and key path, every value that would otherwise be ignored or
// reported in Go's terms: an unknown key (with the nearest valid one), a
// value of the wrong type, null for a plain value, a number with a fraction
// for an integer, text after the document, and an empty document.
func Decode(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return &DecodeError{Msg: ErrEmpty.Error(), err: ErrEmpty}
	}
	rt := reflect.TypeOf(v)
	if rt == nil || rt.Kind() != reflect.Pointer {
		panic("strictjson: Decode needs a pointer")
	}
	c := &jsonChecker{b: b, dec: json.NewDecoder(bytes.NewReader(b)), root: rt.Elem()}
	c.dec.UseNumber()
	if err := c.value(rt.Elem(), ""); err != nil {
		return err
	}
	rest := bytes.TrimLeft(b[c.dec.InputOffset():], " \t\r\n")
	if len(rest) > 0 {
		line, col := lineCol(b, len(b)-len(rest))
		return &DecodeError{Line: line, Column: col, Msg: "unexpected text after the end of the JSON document"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// The check above accepts only what decodes; this is a fallback.
		return &DecodeError{Msg: strings.TrimPrefix(err.Error(), "json: ")}
	}
	return nil
}

// jsonChecker walks a document token by token beside the Go type it is
// decoded into.
type jsonChecker struct {
	b    []byte
	dec  *json.Decoder
	root reflect.Type
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// start is the offset of the next token: past the white space, commas and
// colons that follow the last one read.
func (c *jsonChecker) start() int {
	i := int(c.dec.InputOffset())
	for i < len(c.b) && strings.IndexByte(" \t\r\n,:", c.b[i]) >= 0 {
		i++
	}
	return i
}

func lineCol(b []byte, off int) (line, col int) {
	off = min(off, len(b))
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	col = 1 + len([]rune(string(b[bytes.LastIndexByte(b[:off], '\n')+1:off])))
	return line, col
}

func (c *jsonChecker) errAt(off int, path, format string, args ...any) error {
	line, col := lineCol(c.b, off)
	return &DecodeError{Line: line, Column: col, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// token reads the next token, turning a syntax error into a DecodeError.
func (c *jsonChecker) token(path string) (json.Token, int, error) {
	off := c.start()
	tok, err := c.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			off, msg = len(c.b), "the JSON document ends early (a closing } or ] is missing)"
		}
		return nil, off, c.errAt(off, path, "invalid JSON: %s", msg)
	}
	return tok, off, nil
}

// skip reads the rest of a value whose first token was tok.
func (c *jsonChecker) skip(tok json.Token, path string) error {
	if _, ok := tok.(json.Delim); !ok {
		return nil
	}
	for depth := 1; depth > 0; {
		t, _, err := c.token(path)
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// describe names a token's JSON type for a message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return "the number " + t.String()
	case string:
		if len(t) > 40 {
			t = t[:37] + "..."
		}
		return "the string " + strconv.Quote(t)
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "a list"
	}
	return fmt.Sprint(tok)
}

// expected says in words what a Go type takes.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(expected(t.Elem()), "a "), "an ") + "s"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return expected(t.Elem()) + " (or null)"
	}
	return "a JSON value"
}

// value checks one value (and everything inside it) against t.
func (c *jsonChecker) value(t reflect.Type, path string) error {
	tok, off, err := c.token(path)
	if err != nil {
		return err
	}
	if t == rawMessageType || t.Kind() == reflect.Interface ||
		reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textType) {
		return c.skip(tok, path)
	}
	if tok == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			return nil
		}
		return c.errAt(off, path, "expected %s, got null (leave the key out to keep its default)", expected(t))
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	mismatch := func() error {
		return c.errAt(off, path, "expected %s, got %s", expected(t), describe(tok))
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return mismatch()
		}
		return c.object(path, func(key string, off int) (reflect.Type, string, error) {
			f, ok := jsonField(t, key)
			if !ok {
				return nil, "", c.errAt(off, path, "unknown key %q%s", key, c.nearest(t, path, key))
			}
			return f.Type, join(path, key), nil
		})
	case reflect.Map:
		if tok != json.Delim('{') {
			return mismatch()
		}
		return c.object(path, func(key string, _ int) (reflect.Type, string, error) {
			return t.Elem(), join(path, key), nil
		})
	case reflect.Slice, reflect.Array:
		if tok != json.Delim('[') {
			return mismatch()
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, _, err := c.token(path)
		return err
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return mismatch()
		}
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return mismatch()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return mismatch()
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return c.errAt(off, path, "%s is out of range for an integer", n)
			}
			return mismatch()
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			return mismatch()
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return c.errAt(off, path, "%s is out of range", n)
			}
			return mismatch()
		}
	case reflect.Float32, reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return mismatch()
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			return c.errAt(off, path, "%s is out of range for a number", n)
		}
	default:
		return c.skip(tok, path)
	}
	return nil
}

// object checks the members of an object whose '{' was read; member gives
// each key's type and path, or the error of an unknown key.
func (c *jsonChecker) object(path string, member func(key string, off int) (reflect.Type, string, error)) error {
	seen := map[string]bool{}
	for c.dec.More() {
		tok, off, err := c.token(path)
		if err != nil {
			return err
		}
		key := tok.(string) // the decoder allows only strings as keys
		t, p, err := member(key, off)
		if err != nil {
			return err
		}
		if seen[key] {
			return c.errAt(off, p, "the key is given twice (only the last would count)")
		}
		seen[key] = true
		if err := c.value(t, p); err != nil {
			return err
		}
	}
	_, _, err := c.token(path)
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonField finds the field of struct t that the key names, as
// encoding/json does (exact name first, then case-insensitively).
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for _, f := range reflect.VisibleFields(t) {
		name, ok := jsonName(f)
		if !ok {
			continue
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = f, true
		}
	}
	return fold, found
}

// jsonName is a field's key, and false for fields encoding/json skips.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() || f.Anonymous {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, true
	}
	return f.Name, true
}

func jsonNames(t reflect.Type) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if n, ok := jsonName(f); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// nearest suggests the valid key closest to an unknown one: in the same
// object by edit distance, or the same name in another section of the
// document ("lr" under model → train.lr).
func (c *jsonChecker) nearest(t reflect.Type, path, key string) string {
	names := jsonNames(t)
	if best, ok := Nearest(key, names); ok {
		return fmt.Sprintf("; did you mean %q?", join(path, best))
	}
	if c.root.Kind() == reflect.Struct {
		for _, sec := range reflect.VisibleFields(c.root) {
			st := sec.Type
			if st.Kind() == reflect.Pointer {
				st = st.Elem()
			}
			secName, ok := jsonName(sec)
			if !ok || st.Kind() != reflect.Struct || secName == path {
				continue
			}
			if _, ok := jsonField(st, key); ok {
				return fmt.Sprintf("; %q belongs in the %q section (%s)", key, secName, join(secName, key))
			}
		}
	}
	where := "at the top level"
	if path != "" {
		where = "in " + path
	}
	return fmt.Sprintf(" (the keys %s are %s)", where, strings.Join(names, ", "))
}

// Nearest returns the candidate with the smallest edit distance to s, if
// it is near enough to be a likely typo (at most 2 edits, or a third of s).
func Nearest(s string, candidates []string) (string, bool) {
	best, bd := "", -1
	for _, c := range candidates {
		if d := EditDistance(s, c); bd < 0 || d < bd {
			best, bd = c, d
		}
	}
	if bd < 0 || bd > max(2, len(s)/3) {
		return "", false
	}
	return best, true
}

// EditDistance is the Levenshtein distance between a and b (insertions,
// deletions and substitutions of bytes; Levenshtein 1966).
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
