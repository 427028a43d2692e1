package probe

import (
	"context"
)

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
