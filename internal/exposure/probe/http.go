package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"

	"vigie/internal/exposure"
)

// HTTP sends GET / (plain or over TLS) and records status, server, title and
// redirection. Redirections are reported, never followed (they may leave the
// perimeter).
type HTTP struct {
	// TLS selects HTTPS.
	TLS bool
}

// Name implements Prober.
func (h HTTP) Name() string {
	if h.TLS {
		return "https"
	}
	return "http"
}

// Ports implements Prober.
func (h HTTP) Ports() []int {
	if h.TLS {
		return []int{443, 4443, 8443, 9443, 10443}
	}
	return []int{80, 8000, 8008, 8042, 8080, 8081, 8088, 8888, 9000, 9090}
}

// HTTPPage is what GET / returned.
type HTTPPage struct {
	Status   int
	Server   string
	Title    string
	Location string
	Body     []byte
	Header   http.Header
}

// maxBody bounds the body read from a web server.
const maxBody = 256 << 10

// get performs one bounded request on the target's address.
func get(ctx context.Context, t Target, useTLS bool, path string) (*HTTPPage, error) {
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) { return t.dial(ctx) }
	tr := &http.Transport{
		DialContext:            dial,
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, ServerName: t.Name}, //nolint:gosec // an audit must see bad certificates
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
		ResponseHeaderTimeout:  t.timeout(),
		TLSHandshakeTimeout:    t.timeout(),
	}
	defer tr.CloseIdleConnections()
	cl := &http.Client{
		Transport:     tr,
		Timeout:       t.timeout(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	host := t.Host()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s://%s:%d%s", scheme, host, t.Port, path), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "Vigie (audit d'exposition CaRE)")
	resp, err := cl.Do(req)
	if err != nil {
		return nil, ErrNoMatch
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return &HTTPPage{
		Status:   resp.StatusCode,
		Server:   printable([]byte(resp.Header.Get("Server")), 100),
		Location: printable([]byte(resp.Header.Get("Location")), 200),
		Title:    ParseTitle(body),
		Body:     body,
		Header:   resp.Header,
	}, nil
}

var titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// ParseTitle extracts the HTML title, unescaped and trimmed.
func ParseTitle(body []byte) string {
	m := titleRe.FindSubmatch(body[:min(len(body), 64<<10)])
	if m == nil {
		return ""
	}
	return printable([]byte(strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")), 120)
}

var serverRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_.-]*)(?:/([0-9][0-9A-Za-z.\-]*))?`)

// ParseServer splits a Server header into product and version.
func ParseServer(s string) (string, string) {
	m := serverRe.FindStringSubmatch(s)
	if m == nil {
		return "", ""
	}
	return m[1], m[2]
}

// vpnSignatures recognise edge devices whose portals hospitals expose.
var vpnSignatures = []struct {
	product string
	match   func(p *HTTPPage) bool
}{
	{"Fortinet FortiGate SSL VPN", func(p *HTTPPage) bool {
		return strings.Contains(p.Location, "/remote/login") || strings.Contains(string(p.Body), "fgt_lang")
	}},
	{"Citrix NetScaler Gateway", func(p *HTTPPage) bool {
		return strings.Contains(p.Location, "/vpn/index.html") || strings.Contains(p.Title, "NetScaler") || strings.Contains(p.Title, "Citrix Gateway")
	}},
	{"Ivanti Connect Secure", func(p *HTTPPage) bool {
		return strings.Contains(p.Location, "/dana-na/") || strings.Contains(string(p.Body), "dana-na")
	}},
	{"Palo Alto GlobalProtect", func(p *HTTPPage) bool {
		return strings.Contains(p.Location, "/global-protect/") || strings.Contains(p.Title, "GlobalProtect")
	}},
	{"Cisco ASA AnyConnect", func(p *HTTPPage) bool {
		return strings.Contains(p.Location, "+CSCOE+") || strings.Contains(string(p.Body), "+CSCOE+")
	}},
}

// Probe implements Prober.
func (h HTTP) Probe(ctx context.Context, t Target) (*Result, error) {
	p, err := get(ctx, t, h.TLS, "/")
	if err != nil {
		return nil, err
	}
	r := &Result{Service: h.Name(), TLS: h.TLS}
	if low := bytes.ToLower(p.Body); !h.TLS && p.Status == http.StatusBadRequest && (bytes.Contains(low, []byte("https")) || bytes.Contains(low, []byte("ssl"))) {
		r.tlsHint = true
	}
	r.Product, r.Version = ParseServer(p.Server)
	r.Banner = fmt.Sprintf("HTTP %d", p.Status)
	if p.Server != "" {
		r.Banner += ", Server: " + p.Server
	}
	if p.Title != "" {
		r.Banner += ", titre « " + p.Title + " »"
	}
	if p.Location != "" {
		r.Banner += ", redirection vers " + p.Location
	}
	r.observe(exposure.ClassHTTPExposed, exposure.Confirmed, r.Banner)
	if !h.TLS && !strings.HasPrefix(strings.ToLower(p.Location), "https://") {
		r.observe(exposure.ClassHTTPCleartext, exposure.Confirmed, "le site répond en HTTP sans redirection vers HTTPS")
	}
	for _, s := range vpnSignatures {
		if s.match(p) {
			r.observe(exposure.ClassVPNGateway, exposure.Confirmed, "portail "+s.product+" identifié")
			r.Product = s.product
			break
		}
	}
	r.versionObservation()
	return r, nil
}
