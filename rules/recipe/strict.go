package recipe

import "github.com/rnnlab/rnnlab/kernel/strictjson"

// DecodeError is strictjson's error (line, column, key path, message).
type DecodeError = strictjson.DecodeError

// ErrEmpty is the error (inside a DecodeError) of an empty document.
var ErrEmpty = strictjson.ErrEmpty

// DecodeStrict decodes JSON into v strictly (strictjson.Decode).
func DecodeStrict(b []byte, v any) error { return strictjson.Decode(b, v) }

// Nearest is the candidate closest to s by edit distance (strictjson.Nearest).
func Nearest(s string, candidates []string) (string, bool) { return strictjson.Nearest(s, candidates) }

// EditDistance is the Levenshtein distance (strictjson.EditDistance).
func EditDistance(a, b string) int { return strictjson.EditDistance(a, b) }
