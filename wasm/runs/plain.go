package runs

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
)

// Plain converts v (a Status, a Report, a kind's Details) into the values
// JSON and JavaScript share: map[string]any, []any, float64, string, bool
// and nil, with the field names encoding/json would use. NaN and ±Inf
// become nil (JSON has no such numbers; the page shows "-"), so the result
// always encodes, and syscall/js.ValueOf takes it as it is.
func Plain(v any) any { return plain(reflect.ValueOf(v), 0) }

// PlainJSON is the JSON of Plain(v).
func PlainJSON(v any) ([]byte, error) { return json.Marshal(Plain(v)) }

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func plain(v reflect.Value, depth int) any {
	if !v.IsValid() || depth > 64 {
		return nil
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.Type().Implements(jsonMarshaler) || v.Kind() == reflect.Pointer && !v.IsNil() && v.Type().Implements(jsonMarshaler) {
		if b, err := json.Marshal(v.Interface()); err == nil {
			var out any
			if json.Unmarshal(b, &out) == nil {
				return out
			}
		}
	}
	if v.Type().Implements(textMarshaler) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		if b, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plain(v.Elem(), depth+1)
	case reflect.Bool:
		return v.Bool()
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(v.Uint())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plain(v.Index(i), depth+1)
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[mapKey(it.Key())] = plain(it.Value(), depth+1)
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for _, f := range reflect.VisibleFields(t) {
			if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
				continue // promoted fields are visited themselves
			}
			name, opts := f.Name, ""
			if tag, ok := f.Tag.Lookup("json"); ok {
				n, o, _ := strings.Cut(tag, ",")
				if n == "-" && o == "" {
					continue
				}
				if n != "" {
					name = n
				}
				opts = o
			}
			fv, err := v.FieldByIndexErr(f.Index)
			if err != nil {
				continue // through a nil embedded pointer
			}
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			out[name] = plain(fv, depth+1)
		}
		return out
	}
	return nil // functions, channels
}

func mapKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if k.Type().Implements(textMarshaler) {
		if b, err := k.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
			return string(b)
		}
	}
	b, _ := json.Marshal(k.Interface())
	return strings.Trim(string(b), `"`)
}
