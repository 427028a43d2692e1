package web

import (
	"sync"
	"time"
)

// Login throttling: after MaxLoginFailures failures within LoginLockout,
// the login (or the client address) is locked for LoginLockout.
const (
	MaxLoginFailures = 5
	LoginLockout     = 15 * time.Minute
)

// limiter counts recent login failures per key ("login:x", "ip:y").
type limiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	lockedTo map[string]time.Time
}

func newLimiter() *limiter {
	return &limiter{failures: map[string][]time.Time{}, lockedTo: map[string]time.Time{}}
}

// locked reports whether any key is locked at now, and until when.
func (l *limiter) locked(now time.Time, keys ...string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var until time.Time
	for _, k := range keys {
		if t, ok := l.lockedTo[k]; ok {
			if now.Before(t) {
				if t.After(until) {
					until = t
				}
			} else {
				delete(l.lockedTo, k)
			}
		}
	}
	return until, !until.IsZero()
}

// fail records a failure for each key and locks the keys that reach the limit.
func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		recent := l.failures[k][:0]
		for _, t := range l.failures[k] {
			if now.Sub(t) < LoginLockout {
				recent = append(recent, t)
			}
		}
		recent = append(recent, now)
		if len(recent) >= MaxLoginFailures {
			l.lockedTo[k] = now.Add(LoginLockout)
			delete(l.failures, k)
			continue
		}
		l.failures[k] = recent
	}
	// Bound memory: forget stale keys when the table grows.
	if len(l.failures) > 10000 {
		for k, ts := range l.failures {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= LoginLockout {
				delete(l.failures, k)
			}
		}
	}
}

// succeed forgets the failures of the login after a successful sign-in.
func (l *limiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
