package probe

import (
	"context"
	"strings"
	"time"
)

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
