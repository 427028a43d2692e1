package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// record is one line of a version 1 (JSON lines) snapshot: exactly one
// field is set. Version 2 decoding produces the same records.
type record struct {
	Header  *Header  `json:"h,omitempty"`
	Object  *Object  `json:"o,omitempty"`
	Gap     *Gap     `json:"g,omitempty"`
	Trailer *Trailer `json:"t,omitempty"`
}

// openV1 reads the header line of a version 1 snapshot.
func (r *Reader) openV1() error {
	r.version = 1
	r.dec = json.NewDecoder(r.br)
	var rec record
	if err := r.dec.Decode(&rec); err != nil {
		return fmt.Errorf("instantané, ligne 1 : en-tête illisible : %w", streamError(err))
	}
	r.rec, r.line = 1, 1
	if rec.Header == nil {
		return errors.New("instantané, ligne 1 : en-tête absent")
	}
	if !strings.HasPrefix(rec.Header.Format, FormatV1) {
		return fmt.Errorf("instantané, ligne 1 : format %q non pris en charge (formats lus : %s et %s)", rec.Header.Format, FormatV1, Format)
	}
	r.Header = *rec.Header
	return nil
}

// splitV1 reads up to max JSON lines into b, or sets b.end.
func (r *Reader) splitV1(b *batch, max int) {
	for len(b.raws) < max {
		var raw json.RawMessage
		err := r.dec.Decode(&raw)
		if err != nil {
			b.end = r.batchEnd(err)
			return
		}
		r.rec++
		b.raws = append(b.raws, raw)
		b.nums = append(b.nums, r.rec)
	}
}

// decodeV1 decodes the JSON lines of b, leaving out dropped attributes.
func (r *Reader) decodeV1(b *batch) {
	b.recs = make([]record, len(b.raws))
	b.errs = make([]error, len(b.raws))
	seen := map[string]bool{}
	for i, raw := range b.raws {
		b.errs[i] = json.Unmarshal(raw, &b.recs[i])
		o := b.recs[i].Object
		if b.errs[i] != nil || o == nil {
			continue
		}
		for k := range o.Attrs {
			seen[k] = true
			if r.drop[k] {
				delete(o.Attrs, k)
			}
		}
		for k := range o.Bin {
			seen[k] = true
			if r.drop[k] {
				delete(o.Bin, k)
			}
		}
	}
	for k := range seen {
		b.seen = append(b.seen, k)
	}
	b.raws = nil
}
