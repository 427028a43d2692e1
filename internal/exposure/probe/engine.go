package probe

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"time"
)

// Time budget of one port. A port nothing recognises costs about the budget
// on loopback; on a distant host the waits grow with the measured connection
// time, and the whole identification never exceeds twice the timeout.
const (
	// DefaultWait bounds the wait for a first byte from a server that may
	// not speak the protocol tried (the answer to a blind probe).
	DefaultWait = 400 * time.Millisecond
	// DefaultBudget bounds the search of an unknown port.
	DefaultBudget = 1300 * time.Millisecond
	// DefaultParallel is the number of blind probes tried at once on a port.
	DefaultParallel = 6
)

// Timing is the time budget of one port's identification on a nearby host;
// both grow with the measured connection time and with a slow server.
type Timing struct {
	// Wait bounds the wait for a first answer to a blind probe [DefaultWait].
	Wait time.Duration
	// Budget bounds the search of a port nothing recognises [DefaultBudget].
	Budget time.Duration
}

func (s *Set) timing() Timing {
	tm := s.tm
	if tm.Wait <= 0 {
		tm.Wait = DefaultWait
	}
	if tm.Budget <= 0 {
		tm.Budget = DefaultBudget
	}
	return tm
}

// ident is the identification of one port.
type ident struct {
	s     *Set
	t     Target // with the dialer that measures the connection time
	start time.Time
	hard  time.Time
	rtt   atomic.Int64 // smallest connection time seen, in ns (0: none yet)
	// lat is the longest time the server took to answer or turn down a
	// probe: a slow (or busy) server gets longer waits and budget.
	lat time.Duration
	// extra lengthens the budget (the inner phase of a TLS service).
	extra time.Duration

	tried   map[string]bool // by key(): prober or nmap probe name, "+tls" inside TLS
	silent  map[string]bool // tried, and the server said nothing in time
	retried map[string]bool
	wanted  map[string]bool // suggested by an answer while it was running
	soft    string          // service of an nmap softmatch: narrows nmap's probes
	stats   attemptStats
}

// attemptStats is what the probes met, for the "why unknown" report.
type attemptStats struct {
	tried, silent, closed, answered, refused, untried int
	banner                                            []byte
	bannerOut                                         outcome
	sample                                            []byte // first unrecognised answer
	tlsErr                                            string
	innerTLS                                          bool // the service spoke TLS, the inside was not recognised
}

func (s *Set) newIdent(t Target) *ident {
	e := &ident{s: s, start: time.Now(), tried: map[string]bool{}, silent: map[string]bool{}, retried: map[string]bool{}, wanted: map[string]bool{}}
	base := t.Dial
	if base == nil {
		var d net.Dialer
		base = d.DialContext
	}
	t.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		t0 := time.Now()
		c, err := base(ctx, network, addr)
		if err == nil {
			d := int64(time.Since(t0))
			for {
				old := e.rtt.Load()
				if (old != 0 && old <= d) || e.rtt.CompareAndSwap(old, d) {
					break
				}
			}
		}
		return c, err
	}
	e.t = t
	e.hard = e.start.Add(2 * t.timeout())
	return e
}

func (e *ident) connTime() time.Duration { return time.Duration(e.rtt.Load()) }

// wait is the first-answer wait of a blind probe: longer on a distant host
// and on a server seen answering slowly.
func (e *ident) wait() time.Duration {
	w := max(e.s.timing().Wait+6*e.connTime(), 3*e.lat)
	return min(w, e.t.timeout())
}

// budgetEnd is when no new blind probe may start.
func (e *ident) budgetEnd() time.Time {
	w := e.wait()
	b := max(e.s.timing().Budget+25*e.connTime(), w*13/4)
	b = min(b, 2*e.t.timeout()-w)
	b = max(b, w)
	return e.start.Add(b + e.extra)
}

// noteLatency learns how fast the server answers.
func (e *ident) noteLatency(rec *recorder) {
	if l := rec.answerLatency(); l > e.lat {
		e.lat = l
	}
}

func (e *ident) remaining() time.Duration { return time.Until(e.budgetEnd()) }

// likelyWait is the first-answer wait of a probe chosen for a reason (the
// port, the banner, nmap's name): the rest of the budget, at least a blind wait.
func (e *ident) likelyWait() time.Duration { return max(e.remaining(), e.wait()) }

// try runs one of our probers with a first-answer wait and records what
// came back.
func (e *ident) try(ctx context.Context, t Target, p Prober, wait time.Duration) (*Result, *recorder, error) {
	e.tried[key(t, p.Name())] = true
	rec := &recorder{}
	t.rec, t.firstWait = rec, wait
	r, err := p.Probe(ctx, t)
	e.noteLatency(rec)
	if err == nil && r != nil {
		return r, rec, nil
	}
	if err == nil {
		err = ErrNoMatch
	}
	return nil, rec, err
}

// tryLikely runs a prober chosen for a reason, counting its failure.
func (e *ident) tryLikely(ctx context.Context, t Target, p Prober) *Result {
	if p == nil || e.tried[key(t, p.Name())] {
		return nil
	}
	r, rec, err := e.try(ctx, t, p, e.likelyWait())
	if r == nil {
		e.count(p.Name(), rec, err)
	}
	return r
}

// count adds a failed attempt to the statistics.
func (e *ident) count(name string, rec *recorder, err error) {
	data, out := rec.snapshot()
	e.stats.tried++
	switch out {
	case outSilent:
		e.stats.silent++
	case outClosed:
		e.stats.closed++
	case outAnswered:
		e.stats.answered++
		if e.stats.sample == nil {
			e.stats.sample = data
		}
	case outRefused:
		e.stats.refused++
	}
	if name == "tls" && len(data) > 0 && (data[0] == 0x15 || data[0] == 0x16) && err != nil && !errors.Is(err, context.Canceled) {
		e.stats.tlsErr = err.Error()
	}
}

// key names an attempt in the tried set: the same prober is tried again
// inside TLS.
func key(t Target, name string) string {
	if t.TLS {
		return name + "+tls"
	}
	return name
}

// hinted tries, in order, the probers whose usual ports include this one.
func (e *ident) hinted(ctx context.Context) *Result {
	port := e.t.Port
	for _, p := range e.s.probers {
		if n := p.Name(); n == "tls" || n == "http" || !hasPort(p.Ports(), port) {
			continue
		}
		if r := e.tryLikely(ctx, e.t, p); r != nil {
			return r
		}
	}
	// Plain-HTTP ports try HTTP first: a server that waits on a TLS
	// ClientHello would cost a whole wait.
	if hasPort(HTTP{}.Ports(), port) {
		if r := e.tryLikely(ctx, e.t, e.s.byName("http")); r != nil {
			if r.tlsHint {
				if tr := e.tryLikely(ctx, e.t, e.s.byName("tls")); tr != nil {
					return e.inner(ctx, tr)
				}
			}
			return r
		}
	}
	if hasPort(tlsPorts, port) {
		if tr := e.tryLikely(ctx, e.t, e.s.byName("tls")); tr != nil {
			return e.inner(ctx, tr)
		}
	}
	return nil
}

func hasPort(ports []int, p int) bool {
	for _, x := range ports {
		if x == p {
			return true
		}
	}
	return false
}
