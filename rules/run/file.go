package run

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/rnnlab/rnnlab/kernel/strictjson"
)

// DefaultKind is the kind of a run file or checkpoint that names none: a
// series reconstruction, the only kind before kinds existed.
const DefaultKind = "series"

// KindOf reads a run file's "kind" (DefaultKind when it has none) without
// judging the rest: the strict decoding of its section reports that.
func KindOf(b []byte) (string, error) {
	var peek map[string]json.RawMessage
	if json.Unmarshal(b, &peek) != nil {
		return DefaultKind, nil
	}
	raw, ok := peek["kind"]
	if !ok {
		return DefaultKind, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return "", fmt.Errorf("kind: expected a string naming the kind of run (%s), got %s", strings.Join(Names(), ", "), bytes.TrimSpace(raw))
	}
	return name, nil
}

// Decode reads a run file: its kind, and its section decoded strictly over
// the kind's defaults and validated. Errors are *strictjson.DecodeError
// where they have a place in the document (line, column, key path).
func Decode(b []byte) (*Kind, Spec, error) {
	name, err := KindOf(b)
	if err != nil {
		return nil, nil, err
	}
	k, err := Lookup(name)
	if err != nil {
		return nil, nil, fmt.Errorf("kind: %v", err)
	}
	spec, err := k.DecodeSection(b)
	if err != nil {
		return k, nil, err
	}
	return k, spec, nil
}

// DecodeSection decodes a run file of this kind over the kind's defaults
// (without validating it).
func (k *Kind) DecodeSection(b []byte) (Spec, error) {
	spec := k.New()
	if err := k.foreignSections(b); err != nil {
		return nil, err
	}
	sv := reflect.ValueOf(spec)
	if sv.Kind() != reflect.Pointer || sv.Elem().Kind() != reflect.Struct {
		panic("run: a Spec must be a pointer to a struct (kind " + k.Name + ")")
	}
	doc := reflect.New(k.docType(sv.Elem().Type()))
	k.toDoc(doc.Elem(), sv.Elem())
	if err := strictjson.Decode(b, doc.Interface()); err != nil {
		return nil, err
	}
	k.fromDoc(sv.Elem(), doc.Elem())
	return spec, nil
}

// foreignSections refuses a top-level key that belongs to another kind,
// saying where this kind's settings go.
func (k *Kind) foreignSections(b []byte) error {
	var peek map[string]json.RawMessage
	if json.Unmarshal(b, &peek) != nil {
		return nil
	}
	for key := range peek {
		if key == "kind" || (!k.TopLevel && key == k.Name) {
			continue
		}
		for _, other := range Kinds() {
			if other.Name == k.Name {
				continue
			}
			owns := key == other.Name && !other.TopLevel
			if other.TopLevel {
				_, owns = jsonField(reflect.TypeOf(other.New()).Elem(), key)
			}
			if !owns {
				continue
			}
			if k.TopLevel {
				return fmt.Errorf("%q is the section of %s runs, but this run file has no \"kind\" (a %s run); add \"kind\": %q", key, other.Name, k.Name, other.Name)
			}
			return fmt.Errorf("%q belongs to %s runs; this run file's kind is %q, whose settings all go in its %q section", key, other.Name, k.Name, k.Name)
		}
	}
	return nil
}

// docType is the Go type of a whole run file of this kind: a "kind" field
// and the section (or, for a top-level kind, the section's fields).
func (k *Kind) docType(section reflect.Type) reflect.Type {
	fields := []reflect.StructField{{Name: "Kind", Type: reflect.TypeOf(""), Tag: `json:"kind"`}}
	if k.TopLevel {
		for i := 0; i < section.NumField(); i++ {
			f := section.Field(i)
			if f.IsExported() {
				fields = append(fields, reflect.StructField{Name: "F_" + f.Name, Type: f.Type, Tag: f.Tag})
			}
		}
	} else {
		fields = append(fields, reflect.StructField{Name: "Section", Type: section, Tag: reflect.StructTag(`json:"` + k.Name + `"`)})
	}
	return reflect.StructOf(fields)
}

func (k *Kind) toDoc(doc, section reflect.Value) {
	doc.Field(0).SetString(k.Name)
	if !k.TopLevel {
		doc.Field(1).Set(section)
		return
	}
	j := 1
	for i := 0; i < section.NumField(); i++ {
		if section.Type().Field(i).IsExported() {
			doc.Field(j).Set(section.Field(i))
			j++
		}
	}
}

func (k *Kind) fromDoc(section, doc reflect.Value) {
	if !k.TopLevel {
		section.Set(doc.Field(1))
		return
	}
	j := 1
	for i := 0; i < section.NumField(); i++ {
		if section.Type().Field(i).IsExported() {
			section.Field(i).Set(doc.Field(j))
			j++
		}
	}
}

// Encode writes a run file of this kind holding spec, indented: a file
// Decode reads back to the same section.
func (k *Kind) Encode(spec Spec) ([]byte, error) {
	sv := reflect.ValueOf(spec)
	doc := reflect.New(k.docType(sv.Elem().Type()))
	k.toDoc(doc.Elem(), sv.Elem())
	return json.MarshalIndent(doc.Interface(), "", "  ")
}

// jsonField reports whether struct type t has a field encoded as key.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			if n, _, _ := strings.Cut(tag, ","); n != "" {
				name = n
			}
			if name == "-" {
				continue
			}
		}
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
