package snapshot

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// record is one line of the snapshot stream: exactly one field is set.
type record struct {
	Header  *Header  `json:"h,omitempty"`
	Object  *Object  `json:"o,omitempty"`
	Gap     *Gap     `json:"g,omitempty"`
	Trailer *Trailer `json:"t,omitempty"`
}

// Writer streams a snapshot to disk: gzip-compressed JSON lines, a header
// first and a trailer last. The file appears under its final name only when
// Close succeeds, so an interrupted collection never looks complete.
type Writer struct {
	path    string
	tmp     *os.File
	gz      *gzip.Writer
	buf     *bufio.Writer
	enc     *json.Encoder
	trailer Trailer
	closed  bool
}

// Create starts a snapshot file at path with the given header.
func Create(path string, h Header) (*Writer, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("create snapshot %s: %w", path, err)
	}
	gz := gzip.NewWriter(tmp)
	buf := bufio.NewWriterSize(gz, 256<<10)
	w := &Writer{path: path, tmp: tmp, gz: gz, buf: buf, enc: json.NewEncoder(buf)}
	w.enc.SetEscapeHTML(false)
	h.Format = Format
	if err := w.enc.Encode(record{Header: &h}); err != nil {
		w.Abort()
		return nil, fmt.Errorf("write snapshot header: %w", err)
	}
	return w, nil
}

// WriteObject appends one object.
func (w *Writer) WriteObject(o *Object) error {
	w.trailer.Objects++
	return w.enc.Encode(record{Object: o})
}

// WriteGap records something that could not be read.
func (w *Writer) WriteGap(g Gap) error {
	w.trailer.Gaps++
	return w.enc.Encode(record{Gap: &g})
}

// Close writes the trailer, flushes and moves the file to its final name.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.enc.Encode(record{Trailer: &w.trailer})
	if err == nil {
		err = w.buf.Flush()
	}
	if err == nil {
		err = w.gz.Close()
	}
	if err == nil {
		err = w.tmp.Sync()
	}
	if cerr := w.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.tmp.Name(), w.path)
	}
	if err != nil {
		os.Remove(w.tmp.Name())
		return fmt.Errorf("finish snapshot %s: %w", w.path, err)
	}
	return nil
}

// Abort discards a snapshot being written.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// Reader streams a snapshot back.
type Reader struct {
	Header  Header
	dec     *json.Decoder
	gz      *gzip.Reader
	line    int
	trailer *Trailer
	objects int
	gaps    int
}

// ErrTruncated means the snapshot ended before its trailer.
var ErrTruncated = errors.New("instantané tronqué : la collecte n'a pas été terminée")

// NewReader opens a snapshot stream and reads its header.
func NewReader(r io.Reader) (*Reader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("instantané illisible (gzip) : %w", err)
	}
	rd := &Reader{gz: gz, dec: json.NewDecoder(bufio.NewReaderSize(gz, 256<<10))}
	var rec record
	if err := rd.dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("instantané, ligne 1 : en-tête illisible : %w", err)
	}
	rd.line = 1
	if rec.Header == nil {
		return nil, errors.New("instantané, ligne 1 : en-tête absent")
	}
	if !strings.HasPrefix(rec.Header.Format, "vigie-ad-snapshot/1") {
		return nil, fmt.Errorf("instantané, ligne 1 : format %q non pris en charge (attendu %s)", rec.Header.Format, Format)
	}
	rd.Header = *rec.Header
	return rd, nil
}

// Next returns the next object or gap (exactly one non-nil), or io.EOF after a
// valid trailer. A stream that ends without a trailer returns ErrTruncated.
func (r *Reader) Next() (*Object, *Gap, error) {
	for {
		var rec record
		err := r.dec.Decode(&rec)
		r.line++
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			if r.trailer != nil {
				return nil, nil, io.EOF
			}
			return nil, nil, ErrTruncated
		}
		if err != nil {
			return nil, nil, fmt.Errorf("instantané, enregistrement %d : %w", r.line, err)
		}
		if r.trailer != nil {
			return nil, nil, fmt.Errorf("instantané, enregistrement %d : données après la fin", r.line)
		}
		switch {
		case rec.Object != nil:
			if rec.Object.DN == "" {
				return nil, nil, fmt.Errorf("instantané, enregistrement %d : objet sans DN", r.line)
			}
			r.objects++
			return rec.Object, nil, nil
		case rec.Gap != nil:
			r.gaps++
			return nil, rec.Gap, nil
		case rec.Trailer != nil:
			if rec.Trailer.Objects != r.objects || rec.Trailer.Gaps != r.gaps {
				return nil, nil, fmt.Errorf("instantané, enregistrement %d : %d objets annoncés, %d lus", r.line, rec.Trailer.Objects, r.objects)
			}
			r.trailer = rec.Trailer
		default:
			return nil, nil, fmt.Errorf("instantané, enregistrement %d : enregistrement vide", r.line)
		}
	}
}

// Open reads a snapshot file header and returns a reader and a closer.
func Open(path string) (*Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ouvrir l'instantané %s : %w", path, err)
	}
	r, err := NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s : %w", path, err)
	}
	return r, f, nil
}
