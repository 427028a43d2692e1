package snapshot

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// textAttr and binAttr are attributes of an object read from a version 2
// file, kept in slices sorted by name (see Object).
type textAttr struct {
	name string
	vals []string
}

type binAttr struct {
	name string
	vals [][]byte
}

func cmpText(a textAttr, name string) int { return strings.Compare(a.name, name) }
func cmpBin(a binAttr, name string) int   { return strings.Compare(a.name, name) }

// Get returns the first text value of an attribute, or "".
func (o *Object) Get(name string) string {
	v := o.All(name)
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// All returns every text value of an attribute.
func (o *Object) All(name string) []string {
	n := strings.ToLower(name)
	if !o.packed {
		return o.Attrs[n]
	}
	if i, ok := slices.BinarySearchFunc(o.text, n, cmpText); ok {
		return o.text[i].vals
	}
	return nil
}

// Has reports whether the attribute is present, text or binary.
func (o *Object) Has(name string) bool {
	return len(o.All(name)) > 0 || len(o.BinaryAll(name)) > 0
}

// Int returns the first value parsed as a signed 64-bit integer, and whether
// it was present and well formed.
func (o *Object) Int(name string) (int64, bool) {
	s := o.Get(name)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Binary returns the first binary value of an attribute, or nil.
func (o *Object) Binary(name string) []byte {
	v := o.BinaryAll(name)
	if len(v) == 0 {
		return nil
	}
	return v[0]
}

// BinaryAll returns every binary value of an attribute.
func (o *Object) BinaryAll(name string) [][]byte {
	n := strings.ToLower(name)
	if !o.packed {
		return o.Bin[n]
	}
	if i, ok := slices.BinarySearchFunc(o.bin, n, cmpBin); ok {
		return o.bin[i].vals
	}
	return nil
}

// Names returns the names of the object's attributes, text and binary,
// sorted (a name held in both syntaxes appears once).
func (o *Object) Names() []string {
	var out []string
	o.each(func(name string, _ []string, _ [][]byte, _ bool) { out = append(out, name) })
	sort.Strings(out)
	return slices.Compact(out)
}

// each calls fn for every attribute, text ones with bin false.
func (o *Object) each(fn func(name string, text []string, bin [][]byte, isBin bool)) {
	if o.packed {
		for _, a := range o.text {
			fn(a.name, a.vals, nil, false)
		}
		for _, a := range o.bin {
			fn(a.name, nil, a.vals, true)
		}
		return
	}
	for k, v := range o.Attrs {
		fn(k, v, nil, false)
	}
	for k, v := range o.Bin {
		fn(k, nil, v, true)
	}
}

// Delete removes an attribute (text and binary values).
func (o *Object) Delete(name string) {
	n := strings.ToLower(name)
	if !o.packed {
		delete(o.Attrs, n)
		delete(o.Bin, n)
		return
	}
	if i, ok := slices.BinarySearchFunc(o.text, n, cmpText); ok {
		o.text = slices.Delete(o.text, i, i+1)
	}
	if i, ok := slices.BinarySearchFunc(o.bin, n, cmpBin); ok {
		o.bin = slices.Delete(o.bin, i, i+1)
	}
}

// unpack moves the attributes of an object read from a file into Attrs
// and Bin, before a change.
func (o *Object) unpack() {
	if !o.packed {
		return
	}
	if len(o.text) > 0 {
		o.Attrs = make(map[string][]string, len(o.text))
		for _, a := range o.text {
			o.Attrs[a.name] = a.vals
		}
	}
	if len(o.bin) > 0 {
		o.Bin = make(map[string][][]byte, len(o.bin))
		for _, a := range o.bin {
			o.Bin[a.name] = a.vals
		}
	}
	o.text, o.bin, o.packed = nil, nil, false
}

// Add appends values to an attribute, routing them to Attrs or Bin by the
// attribute's syntax (see IsBinary).
func (o *Object) Add(name string, values ...[]byte) {
	o.unpack()
	n := strings.ToLower(name)
	if i := strings.IndexByte(n, ';'); i >= 0 {
		n = n[:i]
	}
	if IsBinary(n) {
		if o.Bin == nil {
			o.Bin = map[string][][]byte{}
		}
		o.Bin[n] = append(o.Bin[n], values...)
		return
	}
	if o.Attrs == nil {
		o.Attrs = map[string][]string{}
	}
	for _, v := range values {
		o.Attrs[n] = append(o.Attrs[n], string(v))
	}
}

// SetText replaces an attribute's text values.
func (o *Object) SetText(name string, values ...string) {
	o.unpack()
	if o.Attrs == nil {
		o.Attrs = map[string][]string{}
	}
	o.Attrs[strings.ToLower(name)] = values
}

// ObjectClasses returns the objectClass values in lower case.
func (o *Object) ObjectClasses() []string {
	v := o.All("objectclass")
	out := make([]string, len(v))
	for i, c := range v {
		out[i] = strings.ToLower(c)
	}
	return out
}

// IsClass reports whether the object has the given objectClass (any case).
func (o *Object) IsClass(class string) bool {
	for _, c := range o.All("objectclass") {
		if strings.EqualFold(c, class) {
			return true
		}
	}
	return false
}
