package probe

import (
	"context"
	"errors"
	"net"
	"strings"
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

// holdoff is how long the blind probes wait for a banner before starting:
// a server that speaks first usually does so at once, and then hears none
// of them.
func (e *ident) holdoff() time.Duration { return 60*time.Millisecond + 4*e.connTime() }

// race listens for a banner (nmap's NULL probe) and, unless one comes at
// once, runs the blind probes, several at a time, most likely first. What a
// server sends back to any of them is read for a banner (a service that
// speaks first) and against nmap's patterns: a name puts the prober that
// confirms it at the head of the queue, and a hard match ends the blind
// search (as in nmap). The first of our probers to recognise the service wins.
func (e *ident) race(ctx context.Context, t Target) *Result {
	type done struct {
		id  int
		a   attempt
		r   *Result
		rec *recorder
		err error
	}
	queue := e.s.candidates(t.Port, t.TLS, e.triedSet(t))
	front := []attempt{{nmap: e.s.nullProbe()}}
	results := make(chan done)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// running counts the attempts under way; active those holding one of
	// the par slots. A blind probe still silent after a wait frees its slot
	// for the next one but keeps listening until the budget ends: a slow
	// server's late answer still counts.
	running, active, nextID := 0, 0, 0
	released := map[int]bool{}
	freed := make(chan int, 64)
	release := func(id int) {
		if !released[id] {
			released[id] = true
			active--
		}
	}
	defer func() {
		go func(n int) { // let the losers end in the background
			for ; n > 0; n-- {
				<-results
			}
		}(running)
	}()
	hold := time.NewTimer(e.holdoff())
	defer hold.Stop()
	blindOK := false
	// Blind probes start a little apart: a server that takes one connection
	// at a time (many DICOM modalities) has time to turn down a foreign
	// request before the next one queues behind it.
	stagger := 15*time.Millisecond + 2*e.connTime()
	var lastBlind, tickDue time.Time
	tick := time.NewTimer(time.Hour)
	defer tick.Stop()
	var named *NmapName
	var namedBy attempt
	var namedData []byte
	var plainHTTP *Result // "400, this is an HTTPS port": TLS is still running
	par := e.s.parallel
	if par <= 0 {
		par = DefaultParallel
	}
	// A server that spoke first hears no blind probe while the prober its
	// banner points to is at work.
	var nullRec *recorder
	bannerSeen, nullDone, likelyRunning := false, false, 0
	launch := func(a attempt, wait, slot time.Duration) {
		e.tried[key(t, a.name())] = true
		running++
		active++
		id := nextID
		nextID++
		rec := &recorder{}
		time.AfterFunc(slot, func() {
			if !rec.talked() {
				select {
				case freed <- id:
				default:
				}
			}
		})
		if a.nmap != nil && a.nmap.name == "NULL" {
			nullRec = rec
		}
		if a.likely {
			likelyRunning++
		}
		go func() {
			r, err := e.blind(rctx, t, a, wait, rec)
			results <- done{id, a, r, rec, err}
		}()
	}
	// suggest puts our prober for a named or sniffed service first; one
	// that already failed in silence (a busy server) gets a second chance.
	suggest := func(pn string) {
		p := e.s.byName(pn)
		if p == nil || pn == "tls" || (t.TLS && !traitsOf(pn).inTLS) {
			return
		}
		k := key(t, pn)
		switch {
		case !e.tried[k]:
		case e.silent[k] && !e.retried[k]:
			e.retried[k] = true
		default:
			e.wanted[k] = true // running: retried if it meets silence
			return
		}
		for _, f := range front {
			if f.prober != nil && f.prober.Name() == pn {
				return
			}
		}
		delete(e.tried, k)
		front = append(front, attempt{prober: p, likely: true})
	}
	for {
		// Time this loop could not run (a starved machine) is not spent
		// on the server: it is given back to the budget.
		if !tickDue.IsZero() {
			if late := time.Since(tickDue); late > 100*time.Millisecond {
				e.extra += late
				tickDue = time.Time{}
			}
		}
		for active < par && len(front) > 0 {
			a := front[0]
			front = front[1:]
			if e.tried[key(t, a.name())] {
				continue
			}
			wait := max(min(e.wait(), e.remaining()), 50*time.Millisecond)
			switch {
			case a.likely:
				wait = e.likelyWait()
			case a.nmap != nil && a.nmap.name == "NULL":
				// A banner comes at once; a server that handles one
				// connection at a time must not be held by a silent one.
				wait = e.holdoff() + 20*time.Millisecond
			}
			launch(a, wait, wait)
		}
		for blindOK && !(bannerSeen && likelyRunning > 0) && active < par && len(queue) > 0 {
			if gap := time.Until(lastBlind.Add(stagger)); gap > 0 {
				tick.Reset(gap)
				tickDue = time.Now().Add(gap)
				break
			}
			a := queue[0]
			if e.tried[key(t, a.name())] || !e.narrowed(a) {
				queue = queue[1:] // done already, or out of a softmatch's narrowing
				continue
			}
			wait := min(e.wait(), e.remaining())
			if wait < e.wait()/2 { // too late for a useful answer
				e.stats.untried += len(queue)
				queue = nil
				break
			}
			queue = queue[1:]
			lastBlind = time.Now()
			launch(a, e.remaining(), wait)
		}
		if running == 0 && len(front) == 0 && len(queue) == 0 {
			break
		}
		var d done
		select {
		case <-hold.C:
			// A banner on its way is read to the end before anything is sent.
			if nullDone || nullRec == nil || !nullRec.talked() {
				blindOK = true
			}
			continue
		case <-tick.C:
			if late := time.Since(tickDue); late > 100*time.Millisecond {
				e.extra += late
			}
			tickDue = time.Time{}
			continue
		case id := <-freed:
			release(id)
			continue
		case d = <-results:
		}
		running--
		release(d.id)
		if d.a.likely {
			likelyRunning--
		}
		e.noteLatency(d.rec)
		isNull := d.a.nmap != nil && d.a.nmap.name == "NULL"
		if d.r != nil && d.r.tlsHint {
			plainHTTP = d.r
			continue
		}
		if d.r != nil {
			cancel()
			if d.a.prober.Name() == "tls" {
				return e.inner(ctx, d.r)
			}
			return d.r
		}
		data, out := d.rec.snapshot()
		if isNull {
			e.stats.banner, e.stats.bannerOut = data, out
			bannerSeen = len(data) > 0
			nullDone, blindOK = true, true
		} else {
			e.count(d.a.name(), d.rec, d.err)
			if out == outSilent && d.a.prober != nil {
				e.silent[key(t, d.a.prober.Name())] = true
				if e.wanted[key(t, d.a.prober.Name())] {
					suggest(d.a.prober.Name())
				}
			}
		}
		if len(data) == 0 {
			continue
		}
		for _, sn := range sniffers {
			if sn.match(data) {
				suggest(sn.name)
			}
		}
		nm, ok := e.s.nmap.name(d.a.equivalent(), data)
		if !ok {
			continue
		}
		suggest(proberFor[nm.Service])
		if nm.Soft {
			if e.soft == "" {
				e.soft = nm.Service
			}
			continue
		}
		if named == nil {
			named, namedBy, namedData = &nm, d.a, data
			queue = nil // a hard match ends the blind search
		}
	}
	if plainHTTP != nil {
		if !t.TLS {
			if tr := e.tryLikely(ctx, t, e.s.byName("tls")); tr != nil {
				return e.inner(ctx, tr)
			}
		}
		return plainHTTP
	}
	if named != nil {
		return e.verifyNamed(ctx, t, *named, namedBy, namedData)
	}
	if e.soft != "" {
		return &Result{Service: e.soft, Banner: printable(e.stats.sample, 200)}
	}
	return e.retrySilent(ctx, t)
}

// retrySilent gives a second, lone chance to the probers that met silence
// on a port that did answer other probes: a server handling one connection
// at a time may have been held by a foreign request. A port silent to
// everything (or talking to everything) is not retried.
func (e *ident) retrySilent(ctx context.Context, t Target) *Result {
	if e.stats.closed+e.stats.answered == 0 || e.stats.silent == 0 {
		return nil
	}
	n := 0
	for _, a := range e.s.candidates(t.Port, t.TLS, map[string]bool{}) {
		if a.prober == nil || !e.silent[key(t, a.prober.Name())] || e.retried[key(t, a.prober.Name())] {
			continue
		}
		if n++; n > 3 || time.Until(e.hard) < 2*e.wait() {
			break
		}
		e.retried[key(t, a.prober.Name())] = true
		rec := &recorder{}
		rt := t
		rt.rec, rt.firstWait = rec, e.wait()
		if r, err := a.prober.Probe(ctx, rt); err == nil && r != nil {
			if a.prober.Name() == "tls" {
				return e.inner(ctx, r)
			}
			return r
		}
	}
	return nil
}

// narrowed reports whether an attempt may still name the service an nmap
// softmatch found (nmap's narrowing, extended to our probers).
func (e *ident) narrowed(a attempt) bool {
	if e.soft == "" {
		return true
	}
	if a.nmap != nil {
		return a.nmap.services[e.soft]
	}
	return proberFor[e.soft] == a.prober.Name()
}

// triedSet returns the tried set as seen from one context (raw or TLS).
func (e *ident) triedSet(t Target) map[string]bool {
	out := map[string]bool{}
	for k, v := range e.tried {
		if v && strings.HasSuffix(k, "+tls") == t.TLS {
			out[strings.TrimSuffix(k, "+tls")] = true
		}
	}
	return out
}

// blind runs one attempt with a first-answer wait; a server that talks
// without being recognised is not waited on for long.
func (e *ident) blind(ctx context.Context, t Target, a attempt, wait time.Duration, rec *recorder) (*Result, error) {
	t.rec, t.firstWait = rec, wait
	if !a.likely {
		t.gap = e.wait()
	}
	if a.prober != nil {
		r, err := a.prober.Probe(ctx, t)
		if err == nil && r != nil {
			return r, nil
		}
		if err == nil {
			err = ErrNoMatch
		}
		return nil, err
	}
	_, err := e.exchange(ctx, t, a.nmap.payload)
	return nil, err
}

// exchange sends a payload (nothing for a banner) and reads the answer
// until the server pauses.
func (e *ident) exchange(ctx context.Context, t Target, payload []byte) ([]byte, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if len(payload) > 0 {
		if _, err := c.Write(payload); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, 0, 1024)
	tmp := make([]byte, 2048)
	quiet := 80*time.Millisecond + 2*e.connTime()
	for len(buf) < 4096 {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			if len(buf) > 0 {
				return buf, nil
			}
			return nil, err
		}
		_ = c.SetReadDeadline(time.Now().Add(quiet))
	}
	return buf, nil
}

// verifyNamed asks again what nmap's patterns named: a service named twice
// the same way is reported, a one-off (noise, random bytes) is not.
func (e *ident) verifyNamed(ctx context.Context, t Target, nm NmapName, by attempt, data []byte) *Result {
	rec := &recorder{}
	vt := t
	vt.rec, vt.firstWait = rec, e.wait()
	if by.prober != nil {
		_, _ = by.prober.Probe(ctx, vt)
	} else {
		_, _ = e.exchange(ctx, vt, by.nmap.payload)
	}
	again, _ := rec.snapshot()
	nm2, ok := e.s.nmap.name(by.equivalent(), again)
	if !ok || nm2.Service != nm.Service {
		if e.stats.sample == nil {
			e.stats.sample = data
		}
		return nil
	}
	r := &Result{Service: nm.Service, Product: nm.Product, Version: nm.Version, Banner: printable(data, 200)}
	r.versionObservation()
	return r
}

// inner identifies what is spoken inside a TLS service and merges it with
// what the TLS probe found (certificate, protocol versions).
func (e *ident) inner(ctx context.Context, tr *Result) *Result {
	it := e.t
	it.TLS = true
	// The inside gets at least half a budget of its own.
	if rem, half := e.remaining(), e.s.timing().Budget/2+12*e.connTime(); rem < half {
		e.extra += half - rem
	}
	var r *Result
	if hasPort(HTTP{TLS: true}.Ports(), e.t.Port) || hasPort(HTTP{}.Ports(), e.t.Port) {
		r = e.tryLikely(ctx, it, e.s.byName("http"))
	}
	if r == nil {
		r = e.race(ctx, it)
	}
	if r == nil {
		e.stats.innerTLS = true
		tr.Unknown = e.reason()
		return tr
	}
	r.TLS = true
	r.Service = tlsServiceName(r.Service)
	r.Names = tr.Names
	if tr.Banner != "" {
		r.Banner = r.Banner + " ; " + tr.Banner
	}
	r.Observations = append(tr.Observations, r.Observations...)
	return r
}

// tlsServiceName is the usual name of a protocol spoken inside TLS.
func tlsServiceName(s string) string {
	switch s {
	case "http":
		return "https"
	case "ldap":
		return "ldaps"
	case "imap":
		return "imaps"
	case "pop3":
		return "pop3s"
	case "smtp":
		return "smtps"
	case "ftp":
		return "ftps"
	}
	return s
}

func hasPort(ports []int, p int) bool {
	for _, x := range ports {
		if x == p {
			return true
		}
	}
	return false
}
