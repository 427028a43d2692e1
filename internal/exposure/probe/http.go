package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"vigie/internal/exposure"
)

// HTTP sends GET / (plain or over TLS) and records status, server, title and
// redirection. Redirections are reported, never followed (they may leave the
// perimeter).
type HTTP struct {
	// TLS selects HTTPS.
	TLS bool
	// Apps are the web application fingerprints [DefaultWebApps].
	Apps *WebApps
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
	return []int{80, 5985, 8000, 8008, 8042, 8080, 8081, 8088, 8888, 9000, 9090}
}

// HTTPPage is what GET / returned.
type HTTPPage struct {
	Status   int
	Server   string
	Title    string
	Location string
	Body     []byte
	Header   http.Header

	jsonOnce sync.Once
	json     any
	jsonOK   bool
}

// maxBody bounds the body read from a web server.
const maxBody = 256 << 10

// get performs one bounded GET on the target's address.
func get(ctx context.Context, t Target, useTLS bool, path string) (*HTTPPage, error) {
	return request(ctx, t, useTLS, http.MethodGet, path, nil)
}

// request performs one bounded request (an empty body for POST) on the
// target's address, on a connection of its own (with t.TLS the connection is
// already TLS; with useTLS it is wrapped here). The answer is read with
// http.ReadResponse, bounded in size; redirections are not followed.
func request(ctx context.Context, t Target, useTLS bool, method, path string, headers map[string]string) (*HTTPPage, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if useTLS && !t.TLS {
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, ServerName: t.Name}) //nolint:gosec // an audit must see bad certificates
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, ErrNoMatch
		}
		c = tc
	}
	scheme := "http"
	if useTLS || t.TLS {
		scheme = "https"
	}
	host := t.Host()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	var body io.Reader
	if method == http.MethodPost {
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, method, fmt.Sprintf("%s://%s:%d%s", scheme, host, t.Port, path), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "Vigie (audit d'exposition CaRE)")
	req.Close = true
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if err := req.Write(c); err != nil {
		return nil, ErrNoMatch
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(c, maxHeader+maxBody)), req)
	if err != nil {
		return nil, ErrNoMatch
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return &HTTPPage{
		Status:   resp.StatusCode,
		Server:   printable([]byte(resp.Header.Get("Server")), 100),
		Location: printable([]byte(resp.Header.Get("Location")), 200),
		Title:    ParseTitle(b),
		Body:     b,
		Header:   resp.Header,
	}, nil
}

// maxHeader bounds the status line and headers read from a web server.
const maxHeader = 64 << 10

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

// Probe implements Prober.
func (h HTTP) Probe(ctx context.Context, t Target) (*Result, error) {
	useTLS := h.TLS || t.TLS
	p, err := get(ctx, t, h.TLS, "/")
	if err != nil {
		return nil, err
	}
	if es := elasticFromPage(ctx, t, h.TLS, p); es != nil {
		return es, nil
	}
	r := &Result{Service: "http", TLS: useTLS}
	if useTLS {
		r.Service = "https"
	}
	if low := bytes.ToLower(p.Body); !useTLS && p.Status == http.StatusBadRequest && (bytes.Contains(low, []byte("https")) || bytes.Contains(low, []byte("ssl"))) {
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
	if !useTLS && !strings.HasPrefix(strings.ToLower(p.Location), "https://") {
		r.observe(exposure.ClassHTTPCleartext, exposure.Confirmed, "le site répond en HTTP sans redirection vers HTTPS")
	}
	apps := h.Apps
	if apps == nil {
		apps = DefaultWebApps()
	}
	apps.apply(ctx, t, h.TLS, p, r)
	r.versionObservation()
	return r, nil
}
