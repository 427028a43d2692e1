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
	index int    // next element index of an array
	key   string // key of the current member of an object
	inKey bool   // an object member's key is expected next
}

// PathAt returns the JSON path ("payments[1].amount_eur") of the value that
// ends at or after byte offset off of data — where encoding/json reports a
// type error — or "" for the document itself. The path is relative to data.
func PathAt(data []byte, off int64) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []frame
	path := func(n int) string {
		var b strings.Builder
		for _, f := range stack[:n] {
			switch {
			case f.array:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			default:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	// valueDone moves the enclosing container past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].inKey = true
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return path(len(stack))
		}
		end := dec.InputOffset()
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if end >= off {
					return path(len(stack))
				}
				stack = append(stack, frame{array: t == '[', inKey: t == '{'})
			default:
				p := path(len(stack) - 1)
				if end >= off {
					return p
				}
				stack = stack[:len(stack)-1]
				valueDone()
			}
		default:
			if top >= 0 && !stack[top].array && stack[top].inKey {
				stack[top].key, stack[top].inKey = tokString(tok), false
				continue
			}
			if end >= off {
				return path(len(stack))
			}
			valueDone()
		}
	}
}

func tokString(tok json.Token) string {
	if s, ok := tok.(string); ok {
		return s
	}
	return ""
}
