package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"time"

	"vigie/internal/exposure"
)

// Set is an ordered list of probers, plus optionally nmap's probe file, and
// the fingerprints of web applications that refine an HTTP answer.
type Set struct {
	probers  []Prober
	nmap     *NmapDB
	parallel int
	tm       Timing
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

// WithTiming sets the time budget of each port (zero fields: defaults).
func (s *Set) WithTiming(tm Timing) *Set {
	s.tm = tm
	return s
}

// WithWebApps replaces the web application fingerprints of the HTTP prober.
func (s *Set) WithWebApps(w *WebApps) *Set {
	for i, p := range s.probers {
		if h, ok := p.(HTTP); ok {
			h.Apps = w
			s.probers[i] = h
		}
	}
	return s
}

// DefaultSet lists every protocol Vigie knows, most specific first, with the
// embedded web application fingerprints.
func DefaultSet() *Set {
	return &Set{probers: append([]Prober(nil), allProbers...)}
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
	// An HTTP answer (a status line, or an HTML page for HTTP/0.9) to a
	// foreign probe: the HTTP prober says more than nmap's patterns would.
	{"http", isHTTPAnswer},
	// Answers to someone else's probe that betray a client-first protocol
	// (an A-ABORT, an X.224 disconnect, an SMB header): its prober is tried
	// next, even if it met silence before (a busy server).
	{"dicom", isDICOMPDU},
	{"rdp", isTPKT},
	{"smb", isSMBFrame},
}

// isHTTPAnswer: a status line, or an HTML document sent without one.
func isHTTPAnswer(b []byte) bool {
	if bytes.HasPrefix(b, []byte("HTTP/1.")) || bytes.HasPrefix(b, []byte("HTTP/2")) {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(b[:min(len(b), 64)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

// isDICOMPDU: an A-ASSOCIATE-RJ or A-ABORT (PS3.8 §9.3), length 4.
func isDICOMPDU(b []byte) bool {
	return len(b) >= 10 && (b[0] == 3 || b[0] == 7) && b[1] == 0 && binary.BigEndian.Uint32(b[2:6]) == 4
}

// isTPKT: a TPKT header (RFC 1006) carrying an X.224 confirm, data or
// disconnect TPDU of a consistent length.
func isTPKT(b []byte) bool {
	if len(b) < 7 || b[0] != 3 || b[1] != 0 {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	code := b[5] & 0xf0
	return n >= 7 && n <= len(b) && int(b[4]) == n-5 && (code == 0xd0 || code == 0xf0 || code == 0x80)
}

// isSMBFrame: a NetBIOS session message holding an SMB1 or SMB2 header.
func isSMBFrame(b []byte) bool {
	return len(b) >= 8 && b[0] == 0 && (bytes.Equal(b[4:8], []byte{0xff, 'S', 'M', 'B'}) || bytes.Equal(b[4:8], []byte{0xfe, 'S', 'M', 'B'}))
}

// Identify finds what answers on an open port, whatever its number: first
// the protocols usual on this port, then what the server says by itself,
// then every client-first probe by likelihood (ours, then nmap's when its
// file is loaded), several at once, within a time budget. A port nothing
// recognises gets a Result whose Unknown says why, with an info observation
// "service-unknown".
func (s *Set) Identify(ctx context.Context, t Target) *Result {
	id := s.Begin(t)
	if r := id.ByPort(ctx); r != nil {
		return r
	}
	return id.Finish(ctx)
}

// Identification is the identification of one port in two steps that a
// scan interleaves over many ports: the probers usual for the port number
// on every port first, then the search on any port for those left. The
// time budget counts the steps' own time only.
type Identification struct {
	s     *Set
	t     Target
	e     *ident
	spent time.Duration
}

// Begin prepares the identification of one open port.
func (s *Set) Begin(t Target) *Identification {
	return &Identification{s: s, t: t, e: s.newIdent(t)}
}

// ByPort tries the probers whose usual ports include this one; nil when
// none recognised the service.
func (id *Identification) ByPort(ctx context.Context) *Result {
	e := id.e
	e.start = time.Now()
	e.hard = e.start.Add(2 * id.t.timeout())
	ctx, cancel := context.WithDeadline(ctx, e.hard)
	defer cancel()
	r := e.hinted(ctx)
	id.spent = time.Since(e.start)
	if r == nil {
		return nil
	}
	r.Elapsed = id.spent
	return id.s.finish(r, id.t)
}

// Latency is the longest time the server took to answer or turn down a
// probe so far (0 when it never did).
func (id *Identification) Latency() time.Duration { return id.e.lat }

// Expect says the host answers this slowly (seen on its other ports): the
// blind waits and the budget grow accordingly (never beyond the timeout).
func (id *Identification) Expect(latency time.Duration) {
	if l := min(latency, id.t.timeout()); l > id.e.lat {
		id.e.lat = l
	}
}

// Finish searches on any port: what the server says by itself, then the
// blind probes by likelihood, within what is left of the budget.
func (id *Identification) Finish(ctx context.Context) *Result {
	e := id.e
	e.start = time.Now().Add(-id.spent)
	e.hard = e.start.Add(2 * id.t.timeout())
	ctx, cancel := context.WithDeadline(ctx, e.hard)
	defer cancel()
	r := e.race(ctx, e.t)
	if r == nil {
		r = e.unknown()
	}
	r.Elapsed = time.Since(e.start)
	return id.s.finish(r, id.t)
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
