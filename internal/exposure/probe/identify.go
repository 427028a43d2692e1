package probe

import (
	"bytes"
	"context"
	"strings"
	"time"

	"vigie/internal/exposure"
)

// Set is an ordered list of probers, plus optionally nmap's probe file, and
// the fingerprints of web applications that refine an HTTP answer.
type Set struct {
	probers  []Prober
	nmap     *NmapDB
	apps     *WebApps
	parallel int
}

// WithNmap makes Identify use nmap's probes and patterns (every TCP probe,
// with softmatch narrowing) for what Vigie's probers do not recognise.
func (s *Set) WithNmap(db *NmapDB) *Set {
	s.nmap = db
	return s
}

// WithParallel sets how many blind probes are tried at once on one port
// [DefaultParallel].
func (s *Set) WithParallel(n int) *Set {
	s.parallel = n
	return s
}

// WithWebApps replaces the web application fingerprints.
func (s *Set) WithWebApps(w *WebApps) *Set {
	s.apps = w
	return s
}

// DefaultSet lists every protocol Vigie knows, most specific first, with the
// embedded web application fingerprints.
func DefaultSet() *Set {
	return &Set{probers: append([]Prober(nil), allProbers...), apps: DefaultWebApps()}
}

// allProbers are Vigie's probers, most specific first.
var allProbers = []Prober{
	RDP{}, SMB{}, DICOM{}, HL7{}, Redis{}, MongoDB{}, Postgres{}, MSSQL{}, Elasticsearch{},
	LDAP{}, Kerberos{}, MSRPC{},
	SSH{}, FTP{}, SMTP{}, IMAP{}, POP3{}, Telnet{}, VNC{}, MySQL{},
	TLS{}, HTTP{},
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

// tlsPorts are the ports where TLS is tried before anything else.
var tlsPorts = []int{443, 465, 636, 990, 993, 995, 3269, 4443, 5986, 8443, 9443, 10443}

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
	{"imap", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("* OK")) || bytes.HasPrefix(b, []byte("* PREAUTH"))
	}},
	{"pop3", func(b []byte) bool { return bytes.HasPrefix(b, []byte("+OK")) }},
	{"mysql", func(b []byte) bool { return len(b) > 5 && b[3] == 0 && (b[4] == 10 || b[4] == 0xff) }},
	{"telnet", IsTelnet},
}

// Identify finds what answers on an open port, whatever its number: first
// the protocols usual on this port, then what the server says by itself,
// then every client-first probe by likelihood (ours, then nmap's when its
// file is loaded), several at once, within a time budget. A port nothing
// recognises gets a Result whose Unknown says why, with an info observation
// "service-unknown".
func (s *Set) Identify(ctx context.Context, t Target) *Result {
	e := s.newIdent(t)
	ctx, cancel := context.WithDeadline(ctx, e.hard)
	defer cancel()
	r := e.run(ctx)
	r.Elapsed = time.Since(e.start)
	return s.finish(r, t)
}

// unknown is the result of a port nothing recognised.
func (e *ident) unknown() *Result {
	sample := e.stats.banner
	if len(sample) == 0 {
		sample = e.stats.sample
	}
	r := &Result{Banner: printable(sample, 200), Unknown: e.reason()}
	r.observe(exposure.ClassServiceUnknown, exposure.Confirmed, r.Unknown)
	return r
}

// finish fills the observations with the target and the service identity,
// notes an unusual port, and keeps every text field printable and bounded
// whatever a parser let through.
func (s *Set) finish(r *Result, t Target) *Result {
	r.Product = printable([]byte(r.Product), 100)
	r.Version = printable([]byte(r.Version), 60)
	r.Banner = printable([]byte(r.Banner), 600)
	note := ""
	if usual := usualPorts(r.Service); r.Service != "" && len(usual) > 0 && !hasPort(usual, t.Port) {
		r.Unusual = true
		note = unusualNote(r.Service, usual)
	}
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
		if note != "" && o.Class != exposure.ClassServiceVersion {
			o.Evidence += " — " + note
		}
	}
	return r
}
