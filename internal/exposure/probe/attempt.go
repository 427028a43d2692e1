package probe

import (
	"context"
	"time"
)

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
