package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"vigie/internal/store"
)

// Login throttling: each failure in a row, per account and per client
// address, delays the next attempt a little more (doubling, up to
// MaxLoginDelay), instead of locking anyone out for a fixed time. An
// address is given many more free attempts than an account: a hospital's
// users often share one public address. The state lives in the store.
const (
	// FreeLoginFailures per account, FreeAddressFailures per address, pass
	// without delay.
	FreeLoginFailures   = 3
	FreeAddressFailures = 20
	// MaxLoginDelay bounds the wait between two attempts.
	MaxLoginDelay = 15 * time.Minute
	// LoginForget: failures stop counting an hour after the last one.
	LoginForget = time.Hour
)

// loginDelay is the wait after the n-th failure in a row, when free
// failures are allowed: 1 s, 2 s, 4 s… up to MaxLoginDelay.
func loginDelay(free int) func(n int) time.Duration {
	return func(n int) time.Duration {
		if n <= free {
			return 0
		}
		if k := n - free - 1; k < 20 {
			return min(time.Second<<k, MaxLoginDelay)
		}
		return MaxLoginDelay
	}
}

// throttleKeys are the keys of a login attempt: the account and the address.
func throttleKeys(login, ip string) (account, address string) {
	return "login:" + strings.ToLower(login), "ip:" + ip
}

// loginBlocked returns until when the attempt must wait (zero: it may go on).
func (s *Server) loginBlocked(ctx context.Context, now time.Time, keys ...string) (time.Time, error) {
	ts, err := s.st.LoginThrottles(ctx, keys...)
	if err != nil {
		return time.Time{}, err
	}
	var until time.Time
	for _, t := range ts {
		if t.BlockedUntil.After(now) && t.BlockedUntil.After(until) {
			until = t.BlockedUntil
		}
	}
	return until, nil
}

// loginFailed records a failure for the account and the address.
func (s *Server) loginFailed(ctx context.Context, now time.Time, account, address string) error {
	if err := s.st.RecordLoginFailure(ctx, now, store.ThrottlePolicy{Delay: loginDelay(FreeLoginFailures), Forget: LoginForget}, account); err != nil {
		return err
	}
	return s.st.RecordLoginFailure(ctx, now, store.ThrottlePolicy{Delay: loginDelay(FreeAddressFailures), Forget: LoginForget}, address)
}

// clientIP is the client's address: the peer, or — when the peer is a
// trusted reverse proxy — the last address of X-Forwarded-For that is not
// itself a trusted proxy. Without trusted proxies no header is believed.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trustedProxy(peer) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer.String() // a malformed chain: keep what we know
		}
		if !s.trustedProxy(a) {
			return a.Unmap().String()
		}
	}
	return peer.String()
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
