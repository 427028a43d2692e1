package alert

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vigie/internal/exposure/scope"
	"vigie/internal/french"
)

// Headers of a signed webhook request. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), the
// timestamp being the Unix time in seconds of the sending: a receiver
// recomputes it with the shared secret, compares in constant time, and
// refuses a timestamp farther than its replay window (ReplayWindow) from
// its clock, so that a captured request cannot be replayed later.
const (
	HeaderTimestamp = "X-Vigie-Timestamp"
	HeaderSignature = "X-Vigie-Signature"
	// ReplayWindow is the tolerance VerifyWebhook applies by default.
	ReplayWindow = 5 * time.Minute
)

// Sign returns the signature header value of body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a received request's signature and timestamp
// against now (window ReplayWindow when zero), for receivers written in Go.
func VerifyWebhook(secret []byte, timestamp, signature string, body []byte, now time.Time, window time.Duration) error {
	if window <= 0 {
		window = ReplayWindow
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("horodatage illisible")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > window || d < -window {
		return fmt.Errorf("horodatage hors de la fenêtre de %s : rejeu refusé", french.Duration(window))
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature)) {
		return errors.New("signature invalide")
	}
	return nil
}

// Webhook posts alerts as signed JSON.
type Webhook struct {
	// Client sends the requests (when nil, a client that connects only to
	// public internet addresses, checked after DNS resolution, and follows
	// no redirection: a subscriber cannot make Vigie reach its own network).
	Client *http.Client
	// AllowPrivate lifts that restriction of the default client (a
	// laboratory, or a receiver on the operator's network: --allow-private-targets).
	AllowPrivate bool
	Now          func() time.Time
	// Timeout bounds one sending with the default client (30 s when zero).
	Timeout time.Duration
}

// client returns the HTTP client of the sendings.
func (w *Webhook) client() *http.Client {
	if w.Client != nil {
		return w.Client
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !w.AllowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("adresse %s illisible", address)
			}
			return scope.PublicAddr(ap.Addr().Unmap())
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy, tr.DialContext = nil, d.DialContext
	return &http.Client{Transport: tr, Timeout: cmp.Or(w.Timeout, 30*time.Second),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// CheckURL checks a webhook address when it is recorded: http or https
// with a host; an address literal must be public unless allowPrivate (a
// name is checked after resolution, at each sending).
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return fmt.Errorf("adresse %q : adresse http:// ou https:// attendue, sans identifiants", raw)
	}
	if a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !allowPrivate {
		if err := scope.PublicAddr(a); err != nil {
			return err
		}
	}
	return nil
}

// Post sends body to url, signed with secret; any answer but 2xx fails.
func (w *Webhook) Post(ctx context.Context, url string, secret []byte, body []byte) error {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return fmt.Errorf("webhook %q : adresse en http:// ou https:// attendue", url)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook %s : %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	resp, err := w.client().Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s : %w", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s : réponse %s", url, resp.Status)
	}
	return nil
}
