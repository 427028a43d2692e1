package web

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Upload rate: an account sends at most DefaultUploadsPerWindow files
// (evidence, audit files, dossiers, FINESS extractions) per UploadWindow.
const (
	DefaultUploadsPerWindow = 30
	UploadWindow            = 10 * time.Minute
)

// windowLimiter allows n events per key within a sliding window.
type windowLimiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	events map[string][]time.Time
}

func newWindowLimiter(n int, window time.Duration) *windowLimiter {
	return &windowLimiter{n: n, window: window, events: map[string][]time.Time{}}
}

// allow records an event for key at now when fewer than n happened in the
// window; otherwise it returns false and when the next one is allowed.
func (l *windowLimiter) allow(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.events[key][:0]
	for _, t := range l.events[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	if len(recent) >= l.n {
		l.events[key] = recent
		return false, recent[0].Add(l.window)
	}
	l.events[key] = append(recent, now)
	if len(l.events) > 10000 { // bound memory: forget idle keys
		for k, ts := range l.events {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
				delete(l.events, k)
			}
		}
	}
	return true, time.Time{}
}

// checkUpload refuses an upload beyond the account's rate, in French.
func (s *Server) checkUpload(login string) error {
	ok, next := s.uploads.allow(login, s.now())
	if ok {
		return nil
	}
	return &httpError{Status: http.StatusTooManyRequests, Msg: fmt.Sprintf(
		"Trop d'envois de fichiers : %d au plus par période de %d minutes. Réessayez à partir de %s.",
		s.uploads.n, int(s.uploads.window.Minutes()), next.In(s.loc).Format("15:04"))}
}
