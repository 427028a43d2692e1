// Package probe identifies the service behind an open TCP port. Each
// protocol is one small unit behind the Prober interface (zgrab2 style): a
// name, its default ports and a Probe that speaks the protocol and returns
// what it saw. A port alone never yields an observation: only a protocol
// answer does.
package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"time"

	"vigie/internal/exposure"
)

// ErrNoMatch means the service did not answer as this protocol.
var ErrNoMatch = errors.New("le service ne parle pas ce protocole")

// DialFunc opens a TCP connection.
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Target is one open port to identify.
type Target struct {
	Addr netip.Addr
	Port int
	// Name is a declared DNS name leading to Addr (TLS SNI, HTTP Host,
	// certificate name check); empty when the address was given directly.
	Name string
	// Now is the audit's clock (certificate validity is judged against it).
	Now time.Time
	// Timeout bounds one connection, from dial to the last read [4 s].
	Timeout time.Duration
	Dial    DialFunc
	// TLS wraps every connection in TLS (certificate not checked): the
	// probes then speak their protocol inside it (LDAPS, IMAPS, HTTPS …).
	TLS bool

	// firstWait bounds the wait for the server's first byte (0: the
	// timeout); set by Identify for speculative probes.
	firstWait time.Duration
	// rec records the first connection's answer (set by Identify).
	rec *recorder
	// gap, once the server has talked, bounds each wait for more (0: only
	// the timeout): a blind probe reading a talker's noise gives up soon.
	gap time.Duration
}

// Address returns host:port.
func (t Target) Address() string { return net.JoinHostPort(t.Addr.String(), strconv.Itoa(t.Port)) }

// Host is what to call the server by: the declared name, else the address.
func (t Target) Host() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Addr.String()
}

func (t Target) timeout() time.Duration {
	if t.Timeout <= 0 {
		return 4 * time.Second
	}
	return t.Timeout
}

// dial opens a connection whose whole life is bounded by the target's
// timeout and, until the server's first byte, by firstWait. With t.TLS the
// connection is a TLS client whose handshake is that first answer.
func (t Target) dial(ctx context.Context) (net.Conn, error) {
	d := t.Dial
	if d == nil {
		var nd net.Dialer
		d = nd.DialContext
	}
	cctx, cancel := context.WithTimeout(ctx, t.timeout())
	defer cancel()
	c, err := d(cctx, "tcp", t.Address())
	if t.rec != nil {
		t.rec.dialed(err)
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	full := now.Add(t.timeout())
	if cd, ok := ctx.Deadline(); ok && cd.Before(full) {
		full = cd
	}
	first := full
	if t.firstWait > 0 && now.Add(t.firstWait).Before(full) && (t.rec == nil || !t.rec.talked()) {
		first = now.Add(t.firstWait)
	}
	var rec *recorder
	if t.rec != nil && t.rec.first() {
		rec = t.rec
	}
	if !t.TLS {
		_ = c.SetDeadline(first)
		return &watchConn{Conn: c, full: full, rec: rec, gap: t.gap}, nil
	}
	// The handshake is the first answer; then the inner protocol gets its
	// own first-answer wait.
	_ = c.SetDeadline(first)
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, ServerName: t.Name}) //nolint:gosec // an audit must see bad certificates
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	now = time.Now()
	first = full
	if t.firstWait > 0 && now.Add(t.firstWait).Before(full) {
		first = now.Add(t.firstWait)
	}
	_ = tc.SetDeadline(first)
	return &watchConn{Conn: tc, full: full, rec: rec, gap: t.gap}, nil
}

// Result is what a probe learnt about a port.
type Result struct {
	Service string // short lower-case name: ssh, http, https, rdp, dicom …
	Product string
	Version string
	Banner  string // printable excerpt of what the server said
	TLS     bool
	// Names are DNS names the service revealed (TLS certificate names).
	Names        []string
	Observations []exposure.Observation
	// Unknown says, in French, why nothing recognised the service (what
	// was tried, what came back, what the time budget left out); empty
	// when the service was identified.
	Unknown string
	// Unusual is true when the service answered on a port that is not one
	// of its usual ones (the observations say so too).
	Unusual bool
	// Elapsed is how long the identification of the port took.
	Elapsed time.Duration
	// tlsHint: a plain HTTP request got "400, this is an HTTPS port".
	tlsHint bool
}

// observe appends an observation; host, port and service are filled in by Identify.
func (r *Result) observe(class string, conf exposure.Confidence, evidence string) {
	r.Observations = append(r.Observations, exposure.Observation{Class: class, Confidence: conf, Evidence: evidence})
}

// versionObservation records an identified product and version for the
// vulnerability database.
func (r *Result) versionObservation() {
	if r.Product != "" && r.Version != "" {
		r.observe(exposure.ClassServiceVersion, exposure.VersionBased, r.Product+" "+r.Version)
		r.Observations[len(r.Observations)-1].Build = distroBuild(r.Banner)
	}
}

// distroRe finds the package revision of a distribution build in a banner:
// Debian (deb12u10), Ubuntu, Red Hat and Fedora release tags.
var distroRe = regexp.MustCompile(`(?i)[\w.+~-]*(?:deb\d+u\d+|debian|ubuntu|\.el\d+|\.fc\d+)[\w.+~-]*`)

// distroBuild returns the distribution revision announced in a banner, or "".
func distroBuild(banner string) string { return distroRe.FindString(banner) }

// Prober identifies one protocol.
type Prober interface {
	// Name is the service name, e.g. "redis".
	Name() string
	// Ports are the ports where this protocol is tried first.
	Ports() []int
	// Probe speaks the protocol; ErrNoMatch when the answer is something else.
	Probe(ctx context.Context, t Target) (*Result, error)
}
