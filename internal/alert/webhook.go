package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
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
	Client *http.Client // http.DefaultClient when nil
	Now    func() time.Time
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
	c := w.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
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
