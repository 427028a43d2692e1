package snapshot

import (
	"strconv"
	"strings"
)

// Get returns the first text value of an attribute, or "".
func (o *Object) Get(name string) string {
	v := o.Attrs[strings.ToLower(name)]
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// All returns every text value of an attribute.
func (o *Object) All(name string) []string { return o.Attrs[strings.ToLower(name)] }

// Has reports whether the attribute is present, text or binary.
func (o *Object) Has(name string) bool {
	n := strings.ToLower(name)
	return len(o.Attrs[n]) > 0 || len(o.Bin[n]) > 0
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
	v := o.Bin[strings.ToLower(name)]
	if len(v) == 0 {
		return nil
	}
	return v[0]
}

// BinaryAll returns every binary value of an attribute.
func (o *Object) BinaryAll(name string) [][]byte { return o.Bin[strings.ToLower(name)] }

// Add appends values to an attribute, routing them to Attrs or Bin by the
// attribute's syntax (see IsBinary).
func (o *Object) Add(name string, values ...[]byte) {
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
