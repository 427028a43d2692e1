package probe

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// watchConn bounds the wait for the server's first byte separately from the
// rest of the exchange: a port that stays silent costs the short first-answer
// wait, a server that talks gets the whole timeout to finish. It also records
// what the server said (for nmap's patterns and for "why unknown").
type watchConn struct {
	net.Conn
	full time.Time // deadline once the server has talked
	gap  time.Duration
	rec  *recorder
	mu   sync.Mutex
	got  bool
	// ahead holds bytes read beyond what the prober asked for: a prober
	// reading a 4-byte header must not make the record a 4-byte answer.
	ahead []byte
}

func (c *watchConn) Read(b []byte) (int, error) {
	if len(c.ahead) > 0 {
		n := copy(b, c.ahead)
		c.ahead = c.ahead[n:]
		return n, nil
	}
	if c.rec == nil || len(b) >= 4096 {
		return c.read(b)
	}
	buf := make([]byte, 4096)
	n, err := c.read(buf)
	m := copy(b, buf[:n])
	c.ahead = buf[m:n]
	if m < n {
		err = nil // the rest is served by the next Read
	}
	return m, err
}

func (c *watchConn) read(b []byte) (int, error) {
	c.mu.Lock()
	talking := c.got
	c.mu.Unlock()
	if talking && c.gap > 0 {
		_ = c.Conn.SetReadDeadline(minTime(time.Now().Add(c.gap), c.full))
	}
	n, err := c.Conn.Read(b)
	if n == 0 && isTimeout(err) && !talking {
		// An answer that came in time but was read late (a busy machine
		// runs this goroutine after the deadline) still counts.
		_ = c.Conn.SetReadDeadline(time.Now().Add(lateRead))
		n, err = c.Conn.Read(b)
		if n == 0 {
			err = os.ErrDeadlineExceeded
		}
	}
	if n > 0 {
		c.mu.Lock()
		first := !c.got
		c.got = true
		c.mu.Unlock()
		if first && !c.full.IsZero() {
			_ = c.Conn.SetDeadline(c.full)
		}
	}
	if c.rec != nil {
		c.rec.read(b[:n], err)
	}
	return n, err
}

// lateRead is the grace given to bytes already received when the
// first-answer deadline passes.
const lateRead = 2 * time.Millisecond

func minTime(a, b time.Time) time.Time {
	if b.IsZero() || a.Before(b) {
		return a
	}
	return b
}

// outcome says how a probe's first connection ended, for the report of
// ports nothing recognised.
type outcome int

const (
	outNone     outcome = iota // no connection was made
	outRefused                 // the connection failed
	outSilent                  // connected, nothing came back before the wait
	outClosed                  // the server closed or reset without a byte
	outAnswered                // the server sent bytes (not recognised)
)

// recorder keeps the first bytes a server sent on a probe's first connection.
type recorder struct {
	mu      sync.Mutex
	conns   int
	data    []byte
	result  outcome
	dialErr error
	// start is when the first connection was made; latency how long the
	// server took to answer or close it (0: it did neither).
	start   time.Time
	latency time.Duration
}

const maxRecord = 8 << 10

func (r *recorder) dialed(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conns++
	if r.conns == 1 {
		r.start = time.Now()
	}
	if err != nil && r.result == outNone {
		r.result = outRefused
		r.dialErr = err
	}
}

// owns reports whether the connection being opened is the first one (the
// one whose answer is recorded).
func (r *recorder) first() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns == 1
}

func (r *recorder) read(b []byte, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(b) > 0 {
		if r.latency == 0 {
			r.latency = time.Since(r.start)
		}
		r.result = outAnswered
		if room := maxRecord - len(r.data); room > 0 {
			r.data = append(r.data, b[:min(len(b), room)]...)
		}
		return
	}
	if err == nil || r.result == outAnswered {
		return
	}
	switch {
	case isTimeout(err):
		r.result = outSilent
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		if r.result != outSilent {
			r.result = outClosed
			if r.latency == 0 {
				r.latency = time.Since(r.start)
			}
		}
	case errors.Is(err, net.ErrClosed):
		if r.result != outSilent {
			r.result = outClosed
		}
	}
}

// talked reports whether the server already answered this attempt: its
// further connections (a second handshake, a second negotiation) are then
// enrichment, given the whole timeout.
func (r *recorder) talked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.result == outAnswered
}

// answerLatency is how long the server took to answer or close (0: never).
func (r *recorder) answerLatency() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.latency
}

// snapshot returns what was recorded.
func (r *recorder) snapshot() ([]byte, outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.result == outNone && r.conns > 0 {
		// Connected, and the probe gave up before any read ended.
		return append([]byte(nil), r.data...), outSilent
	}
	return append([]byte(nil), r.data...), r.result
}
