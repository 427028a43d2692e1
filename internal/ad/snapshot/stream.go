package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// batch is a run of records read from the stream and decoded together by
// one worker: split fills the raw part on the reading goroutine, decode
// the decoded part on a worker, take and finish check it in file order.
type batch struct {
	seq  int
	nums []int // record number of each raw record
	// version 2: kind and end offset in buf of each payload, and the
	// dictionaries as they stood after the last record
	kinds  []byte
	ends   []int
	buf    []byte
	names  []nameEntry
	values [][]byte
	// version 1: one JSON line per record
	raws []json.RawMessage

	recs []record
	errs []error
	seen []string // attributes present on the batch's objects
	end  error    // io.EOF, or what stopped reading, after the last record
	next int      // Next: first record not handed out yet
}

// Stream reads every remaining record and calls fn for each object or gap,
// in file order, like a loop over Next; decoding runs on workers
// goroutines (1 to 8) while fn runs on the caller's. It returns nil after a
// valid trailer, ErrTruncated when the trailer is missing, the first
// decoding or validation error, or fn's first error. Do not mix with Next.
func (r *Reader) Stream(workers int, fn func(*Object, *Gap) error) error {
	workers = min(max(workers, 1), 8)
	done := make(chan struct{})
	defer close(done)
	jobs := make(chan *batch, workers)
	results := make(chan *batch, 2*workers)
	// Payload buffers go back from the workers to the reading goroutine.
	free := make(chan []byte, 3*workers+1)
	go r.streamRead(jobs, free, done)
	finished := make(chan struct{}, workers)
	for i := 0; i < workers; i++ {
		go func() {
			defer func() { finished <- struct{}{} }()
			var od objectDecoder
			for b := range jobs {
				buf := b.buf
				r.decode(b, &od)
				select {
				case free <- buf[:0]:
				default:
				}
				select {
				case results <- b:
				case <-done:
					return
				}
			}
		}()
	}
	go func() {
		for i := 0; i < workers; i++ {
			<-finished
		}
		close(results)
	}()
	pending := map[int]*batch{}
	next := 0
	for b := range results {
		pending[b.seq] = b
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := r.consume(cur, fn); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	}
	return fmt.Errorf("instantané, enregistrement %d : lecture interrompue", r.line)
}

// streamRead splits the stream into batches until its end, reusing the
// payload buffers of decoded batches.
func (r *Reader) streamRead(jobs chan<- *batch, free <-chan []byte, done <-chan struct{}) {
	defer close(jobs)
	for seq := 0; ; seq++ {
		b := &batch{seq: seq}
		select {
		case b.buf = <-free:
		default:
			b.buf = make([]byte, 0, 64<<10) // grows to about batchBytes
		}
		r.split(b, 512)
		select {
		case jobs <- b:
		case <-done:
			return
		}
		if b.end != nil {
			return
		}
	}
}

// batchBytes is the payload size after which a batch is cut.
const batchBytes = 1 << 20

// split reads up to max records (fewer when their payloads pass batchBytes)
// into b, or sets b.end. Dictionary records of version 2 are applied here,
// in file order.
func (r *Reader) split(b *batch, max int) {
	if r.version == 1 {
		r.splitV1(b, max)
		return
	}
	defer func() { b.names, b.values = r.names, r.values }()
	for len(b.nums) < max && len(b.buf) < batchBytes {
		start := len(b.buf)
		kind, buf, err := r.readRecordV2(b.buf)
		if err != nil {
			b.buf = buf[:start]
			b.end = r.batchEnd(err)
			return
		}
		r.rec++
		switch {
		case kind == kindName:
			name := string(buf[start:])
			r.names = append(r.names, nameEntry{name: name, drop: r.drop[name]})
			b.buf = buf[:start]
		case kind == kindValue:
			v := append([]byte(nil), buf[start:]...)
			r.values = append(r.values, v[:len(v):len(v)])
			b.buf = buf[:start]
		case kind == kindObject || kind == kindGap || kind == kindTrailer:
			b.buf = buf
			b.kinds = append(b.kinds, kind)
			b.ends = append(b.ends, len(buf))
			b.nums = append(b.nums, r.rec)
		case kind >= 'a' && kind <= 'z':
			b.buf = buf[:start] // optional record of a later version
		case kind == kindHeader:
			b.end = fmt.Errorf("instantané, enregistrement %d : en-tête répété", r.rec)
			return
		default:
			b.end = fmt.Errorf("instantané, enregistrement %d : type d'enregistrement %q inconnu (fichier corrompu ?)", r.rec, kind)
			return
		}
	}
}

// decode turns the raw records of b into records. It runs on a worker and
// reads nothing the reading goroutine changes.
func (r *Reader) decode(b *batch, od *objectDecoder) {
	if r.version == 1 {
		r.decodeV1(b)
		return
	}
	n := len(b.kinds)
	b.recs = make([]record, n)
	b.errs = make([]error, n)
	used := make([]uint64, (len(b.names)+63)/64)
	mark := func(id uint64) { used[id>>6] |= 1 << (id & 63) }
	start := 0
	for i, k := range b.kinds {
		p := b.buf[start:b.ends[i]]
		start = b.ends[i]
		switch k {
		case kindObject:
			b.recs[i].Object, b.errs[i] = od.decode(p, b.names, b.values, mark)
		case kindGap:
			b.recs[i].Gap, b.errs[i] = decodeGapV2(p)
		case kindTrailer:
			b.recs[i].Trailer, b.errs[i] = decodeTrailerV2(p)
		}
	}
	for w, word := range used {
		for word != 0 {
			bit := bits.TrailingZeros64(word)
			word &^= 1 << bit
			b.seen = append(b.seen, b.names[w*64+bit].name)
		}
	}
	b.buf, b.kinds, b.ends = nil, nil, nil
}

// mergeSeen adds the attributes present in b to the reader's set.
func (r *Reader) mergeSeen(b *batch) {
	for _, n := range b.seen {
		r.seen[n] = true
	}
}

// take checks record i of a decoded batch, in file order, and returns its
// object or gap (both nil for the trailer).
func (r *Reader) take(b *batch, i int) (*Object, *Gap, error) {
	r.line = b.nums[i]
	if b.errs[i] != nil {
		return nil, nil, fmt.Errorf("instantané, enregistrement %d : %w", r.line, b.errs[i])
	}
	rec := &b.recs[i]
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
			return nil, nil, fmt.Errorf("instantané, enregistrement %d : %d objets et %d lacunes annoncés, %d et %d lus",
				r.line, rec.Trailer.Objects, rec.Trailer.Gaps, r.objects, r.gaps)
		}
		r.trailer = rec.Trailer
		return nil, nil, nil
	}
	return nil, nil, fmt.Errorf("instantané, enregistrement %d : enregistrement vide", r.line)
}

// batchEnd is how a read error ends a batch: io.EOF as is, any other
// error named with the record it stopped at.
func (r *Reader) batchEnd(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	return fmt.Errorf("instantané, enregistrement %d : %w", r.rec+1, streamError(err))
}

// finish reports how a stream ended once every record of its last batch
// was taken: io.EOF after a valid trailer.
func (r *Reader) finish(b *batch) error {
	switch {
	case b.end == io.EOF && r.trailer != nil:
		return io.EOF
	case b.end == io.EOF, errors.Is(b.end, ErrTruncated):
		return ErrTruncated
	}
	return b.end
}

// consume takes every record of a decoded batch and hands its objects and
// gaps to fn. It returns io.EOF after a valid end of stream.
func (r *Reader) consume(b *batch, fn func(*Object, *Gap) error) error {
	r.mergeSeen(b)
	for i := range b.recs {
		o, g, err := r.take(b, i)
		if err != nil {
			return err
		}
		if o != nil || g != nil {
			if err := fn(o, g); err != nil {
				return err
			}
		}
	}
	if b.end == nil {
		return nil
	}
	return r.finish(b)
}
