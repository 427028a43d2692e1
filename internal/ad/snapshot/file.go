package snapshot

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Writer streams a snapshot to disk in the current format (version 2,
// gzip-compressed binary records), a header first and a trailer last. The
// file appears under its final name only when Close succeeds, so an
// interrupted collection never looks complete.
type Writer struct {
	path    string
	tmp     *os.File
	gz      *gzip.Writer
	buf     *bufio.Writer
	enc     *encoder
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
	w := &Writer{path: path, tmp: tmp, gz: gz, buf: buf, enc: newEncoder(buf)}
	h.Format = Format
	if err := w.enc.header(h); err != nil {
		w.Abort()
		return nil, fmt.Errorf("write snapshot header: %w", err)
	}
	return w, nil
}

// WriteObject appends one object. Its DN must not be empty.
func (w *Writer) WriteObject(o *Object) error {
	if o.DN == "" {
		return errors.New("write snapshot: object without DN")
	}
	w.trailer.Objects++
	return w.enc.object(o)
}

// WriteGap records something that could not be read.
func (w *Writer) WriteGap(g Gap) error {
	w.trailer.Gaps++
	return w.enc.gap(&g)
}

// Close writes the trailer, flushes and moves the file to its final name.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.enc.trailer(w.trailer)
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

// Reader streams a snapshot back, whatever its version (1 or 2).
type Reader struct {
	Header  Header
	version int
	br      *bufio.Reader
	dec     *json.Decoder // version 1
	names   []nameEntry   // version 2 dictionaries
	values  [][]byte
	drop    map[string]bool
	seen    map[string]bool
	rec     int // records read (reading goroutine)
	line    int // record being checked (consuming goroutine)
	trailer *Trailer
	objects int
	gaps    int
	pending *batch        // Next: decoded records not handed out yet
	od      objectDecoder // Next: its decoder
}

// ErrTruncated means the snapshot ended before its trailer.
var ErrTruncated = errors.New("instantané tronqué : la collecte n'a pas été terminée")

// NewReader opens a snapshot stream and reads its header.
func NewReader(r io.Reader) (*Reader, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("instantané illisible (ce n'est pas un fichier gzip) : %w", err)
	}
	rd := &Reader{br: bufio.NewReaderSize(gz, 64<<10), seen: map[string]bool{}}
	first, err := rd.br.Peek(1)
	if err != nil {
		return nil, fmt.Errorf("instantané vide ou illisible : %w", streamError(err))
	}
	open := rd.openV2
	if first[0] == '{' {
		open = rd.openV1
	}
	if err := open(); err != nil {
		return nil, err
	}
	return rd, nil
}

// openV2 checks the magic and reads the header record.
func (r *Reader) openV2() error {
	const prefix = "vigie-ad-snapshot/"
	head, _ := r.br.Peek(len(magicV2))
	if !bytes.HasPrefix(head, []byte(prefix)) {
		return errors.New("ce fichier n'est pas un instantané AD de Vigie (en-tête « vigie-ad-snapshot » absent)")
	}
	if string(head) != magicV2 {
		v := strings.TrimPrefix(string(head), prefix)
		if i := strings.IndexAny(v, "\n\x00"); i >= 0 {
			v = v[:i]
		}
		return fmt.Errorf("instantané au format %s%s non pris en charge (formats lus : %s et %s) : mettez Vigie à jour", prefix, v, FormatV1, Format)
	}
	r.br.Discard(len(magicV2))
	r.version = 2
	kind, p, err := r.readRecordV2(nil)
	r.rec, r.line = 1, 1
	if err != nil {
		return fmt.Errorf("instantané, enregistrement 1 : en-tête illisible : %w", streamError(err))
	}
	if kind != kindHeader {
		return errors.New("instantané, enregistrement 1 : en-tête absent")
	}
	if err := json.Unmarshal(p, &r.Header); err != nil {
		return fmt.Errorf("instantané, enregistrement 1 : en-tête illisible : %w", err)
	}
	r.Header.Format = Format
	return nil
}

// streamError names a failure of the compressed stream itself.
func streamError(err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrTruncated
	case errors.As(err, &ce), errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("instantané corrompu (compression gzip invalide) : %w", err)
	}
	return err
}

// DropAttributes leaves these attributes (lower case, as stored) out of
// the objects Next and Stream return; AttributesSeen still counts them.
// Call it before reading the first object.
func (r *Reader) DropAttributes(names ...string) {
	if r.drop == nil {
		r.drop = map[string]bool{}
	}
	for _, n := range names {
		r.drop[n] = true
	}
	for i := range r.names {
		r.names[i].drop = r.drop[r.names[i].name]
	}
}

// AttributesSeen returns the name of every attribute present on at least
// one object read so far (including dropped ones), so that a consumer can
// tell "never set" from "never collected". The map must not be modified.
func (r *Reader) AttributesSeen() map[string]bool { return r.seen }

// Next returns the next object or gap (exactly one non-nil), or io.EOF after a
// valid trailer. A stream that ends without a trailer returns ErrTruncated.
// Do not mix with Stream.
func (r *Reader) Next() (*Object, *Gap, error) {
	for {
		if b := r.pending; b != nil && b.next < len(b.recs) {
			i := b.next
			b.next++
			o, g, err := r.take(b, i)
			if err != nil || o != nil || g != nil {
				return o, g, err
			}
			continue
		}
		if b := r.pending; b != nil && b.end != nil {
			return nil, nil, r.finish(b)
		}
		b := &batch{}
		r.split(b, 1)
		r.decode(b, &r.od)
		r.mergeSeen(b)
		r.pending = b
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
