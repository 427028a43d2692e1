package snapshot

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// nameEntry is one attribute name of a version 2 file.
type nameEntry struct {
	name string
	drop bool // left out of objects (Reader.DropAttributes)
}

// readRecordV2 reads the next version 2 record, appending its payload to
// buf. It returns io.EOF at a clean end of stream (between records). The
// payload is read in steps, so that a corrupt length cannot make it
// allocate more than the stream actually holds.
func (r *Reader) readRecordV2(buf []byte) (kind byte, out []byte, err error) {
	kind, err = r.br.ReadByte()
	if err != nil {
		return 0, buf, err
	}
	n, err := binary.ReadUvarint(r.br)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return kind, buf, err
	}
	if n > maxRecord {
		return kind, buf, fmt.Errorf("longueur d'enregistrement aberrante (%d octets)", n)
	}
	for n > 0 {
		step := min(n, 1<<20)
		start := len(buf)
		buf = grow(buf, int(step))
		if _, err := io.ReadFull(r.br, buf[start:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return kind, buf, err
		}
		n -= step
	}
	return kind, buf, nil
}

// grow extends b by n bytes.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), max(2*cap(b), len(b)+n))
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// cursor walks a record payload; the first malformed field sets err and
// every later read returns zero values.
type cursor struct {
	b   []byte
	off int
	err error
}

func (c *cursor) fail(what string) {
	if c.err == nil {
		c.err = fmt.Errorf("%s illisible (octet %d)", what, c.off)
	}
}

func (c *cursor) uvarint(what string) uint64 {
	if c.err != nil {
		return 0
	}
	v, n := binary.Uvarint(c.b[c.off:])
	if n <= 0 {
		c.fail(what)
		return 0
	}
	c.off += n
	return v
}

func (c *cursor) bytes(n uint64, what string) []byte {
	if c.err != nil {
		return nil
	}
	if n > uint64(len(c.b)-c.off) {
		c.fail(what)
		return nil
	}
	b := c.b[c.off : c.off+int(n)]
	c.off += int(n)
	return b
}

func (c *cursor) byte(what string) byte {
	if c.err != nil {
		return 0
	}
	if c.off >= len(c.b) {
		c.fail(what)
		return 0
	}
	c.off++
	return c.b[c.off-1]
}

func (c *cursor) str(what string) []byte { return c.bytes(c.uvarint(what), what) }

// end checks that the whole payload was used.
func (c *cursor) end() error {
	if c.err == nil && c.off != len(c.b) {
		c.err = fmt.Errorf("%d octets en trop en fin d'enregistrement", len(c.b)-c.off)
	}
	return c.err
}

// objectShape is what a first pass over an object record counts, so that
// the second pass allocates each kind of storage once.
type objectShape struct {
	dnLen      int
	textAttrs  int
	textVals   int
	binAttrs   int
	binVals    int
	smallBytes int // inline binary values shorter than sharedMin, stored together
}

// objectDecoder decodes object records on one goroutine. It keeps a
// scratch buffer and a cache of short value lists: objectClass,
// userAccountControl, primaryGroupID… repeat from object to object, and
// objects share one copy of each (values are never modified in place).
type objectDecoder struct {
	text   []byte
	lists  map[string][]string // encoded values → decoded list
	cached [][]string          // per kept text attribute of the object: its cached list, or nil
}

// Bounds of the list cache: short lists only, and a fresh cache when full
// (unique values fill it; the lists that repeat come back at once).
const (
	listMaxBytes = 64
	listEntries  = 4096
)

// decode decodes an object record. names and values are the dictionaries
// as they stood after the record was read; seen is called with the number
// of every attribute present, dropped or not. All text of the object (DN
// included) shares one string, all its short binary values one byte
// slice; longer binary values (security descriptors) are copied one by
// one, or shared with other objects when the file shares them.
func (d *objectDecoder) decode(p []byte, names []nameEntry, values [][]byte, seen func(uint64)) (*Object, error) {
	if d.lists == nil || len(d.lists) >= listEntries {
		d.lists = map[string][]string{}
	}
	var sh objectShape
	c := cursor{b: p}
	text := append(d.text[:0], c.str("DN")...)
	sh.dnLen = len(text)
	d.cached = d.cached[:0]
	nattr := c.uvarint("nombre d'attributs")
	for i := uint64(0); i < nattr && c.err == nil; i++ {
		id := c.uvarint("nom d'attribut")
		if c.err == nil && id >= uint64(len(names)) {
			return nil, fmt.Errorf("attribut n° %d non déclaré", id)
		}
		syntax := c.byte("syntaxe")
		start := c.off
		count := c.uvarint("nombre de valeurs")
		if c.err != nil {
			break
		}
		if syntax > syntaxBinary {
			return nil, fmt.Errorf("syntaxe %d inconnue pour l'attribut %s", syntax, names[id].name)
		}
		seen(id)
		keep := !names[id].drop
		if keep {
			if syntax == syntaxText {
				sh.textAttrs++
			} else {
				sh.binAttrs++
			}
		}
		if syntax == syntaxText {
			textLen := len(text)
			for j := uint64(0); j < count && c.err == nil; j++ {
				b := c.str("valeur")
				if keep {
					text = append(text, b...)
				}
			}
			if !keep || c.err != nil {
				continue
			}
			var list []string
			if c.off-start <= listMaxBytes {
				list = d.lists[string(p[start:c.off])]
			}
			if list != nil {
				text = text[:textLen] // the cached list is used instead
			} else {
				sh.textVals += int(count)
			}
			d.cached = append(d.cached, list)
			continue
		}
		for j := uint64(0); j < count && c.err == nil; j++ {
			v := c.uvarint("valeur")
			if v&1 == 1 {
				if c.err == nil && v>>1 >= uint64(len(values)) {
					return nil, fmt.Errorf("valeur partagée n° %d non déclarée (attribut %s)", v>>1, names[id].name)
				}
			} else {
				c.bytes(v>>1, "valeur binaire")
				if keep && v>>1 < sharedMin {
					sh.smallBytes += int(v >> 1)
				}
			}
			if keep {
				sh.binVals++
			}
		}
	}
	d.text = text
	if err := c.end(); err != nil {
		return nil, err
	}
	if sh.dnLen == 0 {
		return nil, errors.New("objet sans DN")
	}
	return d.build(p, names, values, sh, string(text)), nil
}

// build is the second pass over a record decode checked; all holds the DN
// followed by every kept text value not found in the list cache, in
// record order.
func (d *objectDecoder) build(p []byte, names []nameEntry, values [][]byte, sh objectShape, all string) *Object {
	c := cursor{b: p}
	c.str("")
	o := &Object{DN: all[:sh.dnLen], packed: true}
	off := sh.dnLen
	var (
		textVals []string
		binVals  [][]byte
		small    []byte
	)
	if sh.textAttrs > 0 {
		o.text = make([]textAttr, 0, sh.textAttrs)
		textVals = make([]string, sh.textVals)
	}
	if sh.binAttrs > 0 {
		o.bin = make([]binAttr, 0, sh.binAttrs)
		binVals = make([][]byte, sh.binVals)
		if sh.smallBytes > 0 {
			small = make([]byte, 0, sh.smallBytes)
		}
	}
	nattr := c.uvarint("")
	ti, bi, ci := 0, 0, 0
	for i := uint64(0); i < nattr; i++ {
		ne := names[c.uvarint("")]
		syntax := c.byte("")
		begin := c.off
		count := c.uvarint("")
		keep := !ne.drop
		if syntax == syntaxText {
			var list []string
			if keep {
				list = d.cached[ci]
				ci++
			}
			start := ti
			for j := uint64(0); j < count; j++ {
				n := int(c.uvarint(""))
				c.off += n
				if keep && list == nil {
					textVals[ti] = all[off : off+n]
					off += n
					ti++
				}
			}
			if !keep {
				continue
			}
			if list == nil {
				list = textVals[start:ti:ti]
				if c.off-begin <= listMaxBytes {
					d.lists[string(p[begin:c.off])] = list
				}
			}
			o.text = append(o.text, textAttr{ne.name, list})
			continue
		}
		start := bi
		for j := uint64(0); j < count; j++ {
			v := c.uvarint("")
			var val []byte
			switch {
			case v&1 == 1:
				val = values[v>>1]
			case v>>1 < sharedMin:
				b := c.bytes(v>>1, "")
				if keep {
					s := len(small)
					small = append(small, b...)
					val = small[s:len(small):len(small)]
				}
			default:
				b := c.bytes(v>>1, "")
				if keep {
					val = append([]byte(nil), b...)
				}
			}
			if keep {
				binVals[bi] = val
				bi++
			}
		}
		if keep {
			o.bin = append(o.bin, binAttr{ne.name, binVals[start:bi:bi]})
		}
	}
	// Writers sort attributes by name; lookups rely on it.
	if !slices.IsSortedFunc(o.text, func(a, b textAttr) int { return strings.Compare(a.name, b.name) }) {
		slices.SortStableFunc(o.text, func(a, b textAttr) int { return strings.Compare(a.name, b.name) })
	}
	if !slices.IsSortedFunc(o.bin, func(a, b binAttr) int { return strings.Compare(a.name, b.name) }) {
		slices.SortStableFunc(o.bin, func(a, b binAttr) int { return strings.Compare(a.name, b.name) })
	}
	return o
}

// decodeGapV2 decodes a gap record.
func decodeGapV2(p []byte) (*Gap, error) {
	c := cursor{b: p}
	g := &Gap{DN: string(c.str("DN")), Attribute: string(c.str("attribut")), Scope: string(c.str("portée")), Why: string(c.str("motif"))}
	if err := c.end(); err != nil {
		return nil, err
	}
	return g, nil
}

// decodeTrailerV2 decodes the trailer record.
func decodeTrailerV2(p []byte) (*Trailer, error) {
	c := cursor{b: p}
	objs, gaps := c.uvarint("nombre d'objets"), c.uvarint("nombre de lacunes")
	if err := c.end(); err != nil {
		return nil, err
	}
	if objs > 1<<40 || gaps > 1<<40 {
		return nil, errors.New("compteurs aberrants")
	}
	return &Trailer{Objects: int(objs), Gaps: int(gaps)}, nil
}
