package probe

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"
)

// Set is an ordered list of probers, plus optionally nmap's patterns for
// banners none of them recognises.
type Set struct {
	probers []Prober
	nmap    *NmapDB
}

// WithNmap makes Identify name unknown banners with nmap's NULL-probe patterns.
func (s *Set) WithNmap(db *NmapDB) *Set {
	s.nmap = db
	return s
}

// DefaultSet lists every protocol Vigie knows, most specific first.
func DefaultSet() *Set {
	return &Set{probers: []Prober{
		RDP{}, SMB{}, DICOM{}, HL7{}, Redis{}, MongoDB{}, Postgres{}, MSSQL{}, Elasticsearch{},
		SSH{}, FTP{}, SMTP{}, Telnet{}, VNC{}, MySQL{},
		TLS{}, HTTP{TLS: true}, HTTP{},
	}}
}

// Probers returns the probers in order.
func (s *Set) Probers() []Prober { return s.probers }

func (s *Set) byName(n string) Prober {
	for _, p := range s.probers {
		if p.Name() == n {
			return p
		}
	}
	return nil
}

// sniffers pick a speak-first protocol from the first bytes a server sends.
var sniffers = []struct {
	name  string
	match func([]byte) bool
}{
	{"ssh", func(b []byte) bool { return bytes.HasPrefix(b, []byte("SSH-")) }},
	{"vnc", func(b []byte) bool { return bytes.HasPrefix(b, []byte("RFB ")) }},
	{"smtp", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("220")) && (bytes.Contains(bytes.ToUpper(b), []byte("SMTP")) || bytes.Contains(b, []byte("Postfix")))
	}},
	{"ftp", func(b []byte) bool { return bytes.HasPrefix(b, []byte("220")) }},
	{"mysql", func(b []byte) bool { return len(b) > 5 && b[3] == 0 && (b[4] == 10 || b[4] == 0xff) }},
	{"telnet", IsTelnet},
}

// sniff reads what the server says first, within a short wait.
func sniff(ctx context.Context, t Target) []byte {
	st := t
	st.Timeout = min(t.timeout(), 1500*time.Millisecond)
	c, err := st.dial(ctx)
	if err != nil {
		return nil
	}
	defer c.Close()
	b, _ := readAtMost(c, 1024, func(b []byte) bool { return bytes.Contains(b, []byte("\n")) || len(b) >= 64 })
	return b
}

// Identify finds what answers on an open port: first the protocols known for
// this port, then what the server says by itself, then TLS and HTTP. A port
// nothing recognises gets a Result without service or observations.
func (s *Set) Identify(ctx context.Context, t Target) *Result {
	tried := map[string]bool{}
	try := func(p Prober) *Result {
		if p == nil || tried[p.Name()] {
			return nil
		}
		tried[p.Name()] = true
		r, err := p.Probe(ctx, t)
		if err != nil {
			return nil
		}
		return r
	}
	for _, p := range s.probers {
		switch p.Name() {
		case "tls", "https", "http":
			continue
		}
		if slices.Contains(p.Ports(), t.Port) {
			if r := try(p); r != nil {
				return s.finish(r, t)
			}
		}
	}
	if !slices.Contains(s.byName("https").Ports(), t.Port) && !slices.Contains(s.byName("http").Ports(), t.Port) {
		if b := sniff(ctx, t); len(b) > 0 {
			for _, sn := range sniffers {
				if sn.match(b) {
					if r := try(s.byName(sn.name)); r != nil {
						return s.finish(r, t)
					}
				}
			}
			r := &Result{Banner: printable(b, 200)}
			if svc, prod, ver, ok := s.nmap.Match(b); ok {
				r.Service, r.Product, r.Version = svc, prod, ver
				r.versionObservation()
			}
			return s.finish(r, t)
		}
	}
	// Plain-HTTP ports try HTTP first: a server that waits on a TLS
	// ClientHello would cost a whole timeout.
	if slices.Contains(s.byName("http").Ports(), t.Port) {
		if r := try(s.byName("http")); r != nil {
			if r.tlsHint {
				if tr := s.webTLS(ctx, t, try); tr != nil {
					return s.finish(tr, t)
				}
			}
			return s.finish(r, t)
		}
	}
	if r := s.webTLS(ctx, t, try); r != nil {
		return s.finish(r, t)
	}
	if r := try(s.byName("http")); r != nil {
		return s.finish(r, t)
	}
	return s.finish(&Result{}, t)
}

// webTLS runs the TLS probe, then HTTPS on top; the results are merged.
func (s *Set) webTLS(ctx context.Context, t Target, try func(Prober) *Result) *Result {
	tr := try(s.byName("tls"))
	if tr == nil {
		return nil
	}
	hr := try(s.byName("https"))
	if hr == nil {
		return tr
	}
	hr.TLS = true
	hr.Names = tr.Names
	hr.Banner = hr.Banner + " ; " + tr.Banner
	hr.Observations = append(tr.Observations, hr.Observations...)
	return hr
}

// finish fills the observations with the target and the service identity,
// and keeps every text field printable and bounded whatever a parser let through.
func (s *Set) finish(r *Result, t Target) *Result {
	r.Product = printable([]byte(r.Product), 100)
	r.Version = printable([]byte(r.Version), 60)
	r.Banner = printable([]byte(r.Banner), 600)
	for i := range r.Observations {
		o := &r.Observations[i]
		o.Host = t.Addr.String()
		o.Port = t.Port
		o.Service = r.Service
		if o.Product == "" {
			o.Product = r.Product
		}
		if o.Version == "" {
			o.Version = r.Version
		}
		o.Evidence = strings.TrimSpace(o.Evidence)
	}
	return r
}
