package portscan

import (
	"context"
	"sync"
	"time"
)

// pacer spaces events by a fixed interval (a token bucket of depth one).
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newPacer(perSecond float64) *pacer {
	if perSecond <= 0 {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / perSecond)}
}

// wait blocks until the next slot; a nil pacer never waits.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	d := time.Until(slot)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// hostPacers holds one pacer per host.
type hostPacers struct {
	mu   sync.Mutex
	rate float64
	m    map[string]*pacer
}

func (h *hostPacers) wait(ctx context.Context, host string) error {
	if h.rate <= 0 {
		return nil
	}
	h.mu.Lock()
	p, ok := h.m[host]
	if !ok {
		p = newPacer(h.rate)
		h.m[host] = p
	}
	h.mu.Unlock()
	return p.wait(ctx)
}
