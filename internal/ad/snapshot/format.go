package snapshot

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
)

// Version 2 of the snapshot file, inside its gzip stream:
//
//	magic    "vigie-ad-snapshot/2\n"
//	records  kind (1 byte), payload length (uvarint), payload
//
// Record kinds, in the order a writer emits them:
//
//	'H'  header: the JSON of Header; first record, exactly once
//	'N'  attribute name: its bytes; names are numbered from 0 in file order
//	     and written before the first object that uses them
//	'V'  shared binary value: its bytes; numbered from 0 in file order and
//	     written before the first object that refers to it (a security
//	     descriptor common to many objects is stored once)
//	'O'  object: DN (string), attribute count (uvarint), then for each
//	     attribute: name number (uvarint), syntax (byte: 0 text, 1 binary),
//	     value count (uvarint) and the values
//	'G'  gap: DN, attribute, scope, why (four strings)
//	'T'  trailer: object count, gap count (uvarints); last record
//
// A string or text value is a uvarint length and its bytes. A binary value
// is a uvarint v: v even, v/2 bytes follow; v odd, it is shared value
// number v/2. Unknown record kinds that are lower-case letters are skipped
// (room for optional additions); any other unknown kind is refused.

// magicV2 opens every version 2 stream.
const magicV2 = Format + "\n"

// Record kinds of version 2.
const (
	kindHeader  = 'H'
	kindName    = 'N'
	kindValue   = 'V'
	kindObject  = 'O'
	kindGap     = 'G'
	kindTrailer = 'T'
)

// Value syntaxes of an attribute in an object record.
const (
	syntaxText   = 0
	syntaxBinary = 1
)

// Sharing of binary values: a value at least sharedMin bytes long is
// written once as a 'V' record the second time it is met; the writer keeps
// at most sharedMax bytes of shared values (beyond, values are inline).
const (
	sharedMin = 64
	sharedMax = 64 << 20
)

// maxRecord bounds one record's payload (a group of a few million members).
const maxRecord = 1 << 30

// encoder turns records into version 2 bytes; it holds the name and shared
// value dictionaries of the file being written.
type encoder struct {
	w           *bufio.Writer
	names       map[string]uint64
	shared      map[string]uint64   // value → shared number
	once        map[uint64]struct{} // hashes of large values met once
	seed        maphash.Seed
	sharedBytes int
	payload     []byte
	hdr         []byte
	keys        []attrKey
	refs        []uint64 // per binary value of the object: shared number + 1, or 0
}

// attrKey is one attribute of the object being encoded.
type attrKey struct {
	name string
	bin  bool
	text []string
	vals [][]byte
}

func newEncoder(w *bufio.Writer) *encoder {
	return &encoder{w: w, names: map[string]uint64{}, shared: map[string]uint64{},
		once: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
}

// record writes one record.
func (e *encoder) record(kind byte, payload []byte) error {
	e.hdr = binary.AppendUvarint(append(e.hdr[:0], kind), uint64(len(payload)))
	if _, err := e.w.Write(e.hdr); err != nil {
		return err
	}
	_, err := e.w.Write(payload)
	return err
}

// header writes the magic and the header record.
func (e *encoder) header(h Header) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if _, err := e.w.WriteString(magicV2); err != nil {
		return err
	}
	return e.record(kindHeader, b)
}

// object writes the dictionary records an object needs, then the object.
// Attributes are written in name order so that files are reproducible.
func (e *encoder) object(o *Object) error {
	keys := e.keys[:0]
	o.each(func(name string, text []string, bin [][]byte, isBin bool) {
		keys = append(keys, attrKey{name: name, bin: isBin, text: text, vals: bin})
	})
	slices.SortFunc(keys, func(a, b attrKey) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		switch {
		case a.bin == b.bin:
			return 0
		case a.bin:
			return 1
		}
		return -1
	})
	refs := e.refs[:0]
	for _, k := range keys {
		if _, ok := e.names[k.name]; !ok {
			e.names[k.name] = uint64(len(e.names))
			if err := e.record(kindName, []byte(k.name)); err != nil {
				return err
			}
		}
		for _, v := range k.vals {
			ref, err := e.share(v)
			if err != nil {
				return err
			}
			refs = append(refs, ref)
		}
	}
	e.refs = refs
	p := appendString(e.payload[:0], o.DN)
	p = binary.AppendUvarint(p, uint64(len(keys)))
	for _, k := range keys {
		p = binary.AppendUvarint(p, e.names[k.name])
		if !k.bin {
			p = append(p, syntaxText)
			p = binary.AppendUvarint(p, uint64(len(k.text)))
			for _, v := range k.text {
				p = appendString(p, v)
			}
			continue
		}
		p = append(p, syntaxBinary)
		p = binary.AppendUvarint(p, uint64(len(k.vals)))
		for i, v := range k.vals {
			if refs[i] > 0 {
				p = binary.AppendUvarint(p, (refs[i]-1)<<1|1)
			} else {
				p = binary.AppendUvarint(p, uint64(len(v))<<1)
				p = append(p, v...)
			}
		}
		refs = refs[len(k.vals):]
	}
	clear(keys) // drop references to the object's values
	e.keys, e.payload = keys[:0], p
	return e.record(kindObject, p)
}

// share decides whether a binary value is written inline (0) or as a
// shared value (its number + 1), writing the 'V' record when it is new.
func (e *encoder) share(v []byte) (uint64, error) {
	if len(v) < sharedMin {
		return 0, nil
	}
	if n, ok := e.shared[string(v)]; ok {
		return n + 1, nil
	}
	if e.sharedBytes+len(v) > sharedMax {
		return 0, nil
	}
	h := maphash.Bytes(e.seed, v)
	if _, met := e.once[h]; !met {
		e.once[h] = struct{}{}
		return 0, nil
	}
	n := uint64(len(e.shared))
	e.shared[string(v)] = n
	e.sharedBytes += len(v)
	if err := e.record(kindValue, v); err != nil {
		return 0, err
	}
	return n + 1, nil
}

// gap writes a gap record.
func (e *encoder) gap(g *Gap) error {
	p := appendString(e.payload[:0], g.DN)
	p = appendString(p, g.Attribute)
	p = appendString(p, g.Scope)
	p = appendString(p, g.Why)
	e.payload = p
	return e.record(kindGap, p)
}

// trailer writes the trailer record.
func (e *encoder) trailer(t Trailer) error {
	if t.Objects < 0 || t.Gaps < 0 {
		return fmt.Errorf("compteurs négatifs")
	}
	p := binary.AppendUvarint(e.payload[:0], uint64(t.Objects))
	p = binary.AppendUvarint(p, uint64(t.Gaps))
	e.payload = p
	return e.record(kindTrailer, p)
}

func appendString(p []byte, s string) []byte {
	p = binary.AppendUvarint(p, uint64(len(s)))
	return append(p, s...)
}
