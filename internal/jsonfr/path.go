package jsonfr

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// frame is one open object or array while walking a document.
type frame struct {
	array bool
	index int    // index of the current element of an array
	key   string // key of the current member of an object
	inKey bool   // an object member's key is expected next
}

// walker reads a document token by token and knows the JSON path of the
// value being read.
type walker struct {
	dec   *json.Decoder
	stack []frame
}

func newWalker(data []byte) *walker {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &walker{dec: dec}
}

// path returns the path made by the first n open containers.
func (w *walker) path(n int) string {
	var b strings.Builder
	for _, f := range w.stack[:n] {
		if f.array {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(f.key)
	}
	return b.String()
}

// valueDone moves the enclosing container past the value just read.
func (w *walker) valueDone() {
	if n := len(w.stack); n > 0 {
		if w.stack[n-1].array {
			w.stack[n-1].index++
		} else {
			w.stack[n-1].inKey = true
		}
	}
}

// event is what the walker met: the start of a container, its end, a
// member's key or a scalar value; path is the path of that value (for a
// key, of the member it names); end is the input offset after it.
type event struct {
	kind byte // '{' or '[' start, '}' end of a container, 'k' key, 'v' value
	path string
	key  string
	end  int64
}

// next reads one token; ok is false at the end or on a syntax error.
func (w *walker) next() (ev event, ok bool) {
	tok, err := w.dec.Token()
	if err != nil {
		return ev, false
	}
	ev.end = w.dec.InputOffset()
	top := len(w.stack) - 1
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{', '[':
			ev.kind, ev.path = byte(t), w.path(len(w.stack))
			w.stack = append(w.stack, frame{array: t == '[', inKey: t == '{'})
		default:
			ev.kind, ev.path = '}', w.path(top)
			w.stack = w.stack[:top]
			w.valueDone()
		}
	default:
		if top >= 0 && !w.stack[top].array && w.stack[top].inKey {
			s, _ := tok.(string)
			w.stack[top].key, w.stack[top].inKey = s, false
			ev.kind, ev.key, ev.path = 'k', s, w.path(len(w.stack))
			return ev, true
		}
		ev.kind, ev.path = 'v', w.path(len(w.stack))
		w.valueDone()
	}
	return ev, true
}

// PathAt returns the JSON path ("payments[1].amount_eur") of the value at
// byte offset off of data — where encoding/json reports a type error: the
// end of a scalar, just inside a container — or "" for the document
// itself. The path is relative to data.
func PathAt(data []byte, off int64) string {
	w := newWalker(data)
	last := ""
	for {
		ev, ok := w.next()
		if !ok {
			return last
		}
		if ev.kind != 'k' && ev.end >= off {
			return ev.path
		}
		last = w.path(len(w.stack))
	}
}

// KeyPath returns the JSON path of the first object member named key in
// data (e.g. "counts.severe" for an unknown field), or key itself when it
// is not found.
func KeyPath(data []byte, key string) string {
	w := newWalker(data)
	for {
		ev, ok := w.next()
		if !ok {
			return key
		}
		if ev.kind == 'k' && ev.key == key {
			return ev.path
		}
	}
}
