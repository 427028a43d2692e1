package portscan

import (
	"net/netip"
	"sync"
	"time"
)

// rtt estimates connect round-trip times (RFC 6298 smoothing) per host and
// overall, to wait on a silent (filtered) port only as long as the answers
// seen so far justify, as nmap does: timeout = srtt + 4·rttvar, clamped.
type rtt struct {
	mu       sync.Mutex
	min, max time.Duration
	all      rttStat
	hosts    map[netip.Addr]*rttStat
}

type rttStat struct {
	srtt, rttvar time.Duration
	n            int
}

func (s *rttStat) add(d time.Duration) {
	if s.n == 0 {
		s.srtt, s.rttvar = d, d/2
	} else {
		diff := s.srtt - d
		if diff < 0 {
			diff = -diff
		}
		s.rttvar = (3*s.rttvar + diff) / 4
		s.srtt = (7*s.srtt + d) / 8
	}
	s.n++
}

func newRTT(min, max time.Duration) *rtt {
	return &rtt{min: min, max: max, hosts: map[netip.Addr]*rttStat{}}
}

// observe records the time a host took to answer (accept or refuse).
func (r *rtt) observe(a netip.Addr, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all.add(d)
	s, ok := r.hosts[a]
	if !ok {
		s = &rttStat{}
		r.hosts[a] = s
	}
	s.add(d)
}

// timeout is the wait for attempt (0 for the first) on host a: the host's own
// estimate, else the overall one, else the maximum; doubled on each retry.
func (r *rtt) timeout(a netip.Addr, attempt int) time.Duration {
	r.mu.Lock()
	s := r.hosts[a]
	if s == nil || s.n < 3 {
		s = &r.all
	}
	t := r.max
	if s.n >= 3 {
		t = s.srtt + 4*s.rttvar
	}
	r.mu.Unlock()
	t = max(t, r.min) << attempt
	return min(t, r.max)
}
