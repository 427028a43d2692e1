package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// streamBatch is a run of raw records, decoded together by one worker.
type streamBatch struct {
	seq  int
	line int // line number of the first record
	raws []json.RawMessage
	recs []record
	errs []error
	end  error // io.EOF / ErrTruncated / read error after the last raw
}

// Stream reads every remaining record and calls fn for each object or gap,
// in file order, like a loop over Next; JSON decoding runs on workers
// goroutines (1 to 8) while fn runs on the caller's. It returns nil after a
// valid trailer, ErrTruncated when the trailer is missing, the first
// decoding or validation error, or fn's first error. Do not mix with Next.
func (r *Reader) Stream(workers int, fn func(*Object, *Gap) error) error {
	workers = min(max(workers, 1), 8)
	done := make(chan struct{})
	defer close(done)
	jobs := make(chan *streamBatch, workers)
	results := make(chan *streamBatch, 2*workers)
	go r.streamRead(jobs, done)
	finished := make(chan struct{}, workers)
	for i := 0; i < workers; i++ {
		go func() {
			defer func() { finished <- struct{}{} }()
			for b := range jobs {
				b.recs = make([]record, len(b.raws))
				b.errs = make([]error, len(b.raws))
				for i, raw := range b.raws {
					b.errs[i] = json.Unmarshal(raw, &b.recs[i])
				}
				b.raws = nil
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
	pending := map[int]*streamBatch{}
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

// streamRead splits the stream into raw records and batches them.
func (r *Reader) streamRead(jobs chan<- *streamBatch, done <-chan struct{}) {
	defer close(jobs)
	seq, line := 0, r.line
	b := &streamBatch{seq: seq, line: line + 1}
	send := func() bool {
		select {
		case jobs <- b:
			seq++
			b = &streamBatch{seq: seq, line: line + 1}
			return true
		case <-done:
			return false
		}
	}
	for {
		var raw json.RawMessage
		err := r.dec.Decode(&raw)
		line++
		if err != nil {
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				b.end = io.EOF
			} else {
				b.end = fmt.Errorf("instantané, enregistrement %d : %w", line, err)
			}
			send()
			return
		}
		b.raws = append(b.raws, raw)
		if len(b.raws) == 512 && !send() {
			return
		}
	}
}

// consume validates a decoded batch exactly as Next does and hands its
// objects and gaps to fn. It returns io.EOF after a valid end of stream.
func (r *Reader) consume(b *streamBatch, fn func(*Object, *Gap) error) error {
	for i := range b.recs {
		r.line = b.line + i
		if b.errs[i] != nil {
			return fmt.Errorf("instantané, enregistrement %d : %w", r.line, b.errs[i])
		}
		rec := &b.recs[i]
		if r.trailer != nil {
			return fmt.Errorf("instantané, enregistrement %d : données après la fin", r.line)
		}
		switch {
		case rec.Object != nil:
			if rec.Object.DN == "" {
				return fmt.Errorf("instantané, enregistrement %d : objet sans DN", r.line)
			}
			r.objects++
			if err := fn(rec.Object, nil); err != nil {
				return err
			}
		case rec.Gap != nil:
			r.gaps++
			if err := fn(nil, rec.Gap); err != nil {
				return err
			}
		case rec.Trailer != nil:
			if rec.Trailer.Objects != r.objects || rec.Trailer.Gaps != r.gaps {
				return fmt.Errorf("instantané, enregistrement %d : %d objets annoncés, %d lus", r.line, rec.Trailer.Objects, r.objects)
			}
			r.trailer = rec.Trailer
		default:
			return fmt.Errorf("instantané, enregistrement %d : enregistrement vide", r.line)
		}
	}
	if b.end == nil {
		return nil
	}
	r.line = b.line + len(b.recs)
	if !errors.Is(b.end, io.EOF) {
		return b.end
	}
	if r.trailer == nil {
		return ErrTruncated
	}
	return io.EOF
}
