package probe

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"vigie/internal/exposure"
)

// Redis sends PING then INFO server without credentials.
type Redis struct{}

// Name implements Prober.
func (Redis) Name() string { return "redis" }

// Ports implements Prober.
func (Redis) Ports() []int { return []int{6379, 6380} }

// ParseRedisInfo reads a bulk reply "$n\r\n…" and returns the INFO fields.
func ParseRedisInfo(b []byte) (map[string]string, bool) {
	if len(b) < 4 || b[0] != '$' {
		return nil, false
	}
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return nil, false
	}
	n, err := strconv.Atoi(string(b[1:i]))
	if err != nil || n < 0 || n > MaxBanner {
		return nil, false
	}
	body := b[i+2:]
	if len(body) > n {
		body = body[:n]
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(body), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out, true
}

func bulkComplete(b []byte) bool {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return false
	}
	if b[0] != '$' {
		return true
	}
	n, err := strconv.Atoi(string(b[1:i]))
	return err != nil || len(b) >= i+2+n+2
}

// Probe implements Prober.
func (Redis) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return nil, err
	}
	b, err := readAtMost(c, 1024, func(b []byte) bool { return bytes.Contains(b, []byte("\r\n")) })
	if err != nil && len(b) == 0 {
		return nil, ErrNoMatch
	}
	line := string(b)
	r := &Result{Service: "redis", Product: "Redis", Banner: printable(b, 120)}
	switch {
	case strings.HasPrefix(line, "+PONG"):
	case strings.HasPrefix(line, "-NOAUTH"), strings.HasPrefix(line, "-ERR operation not permitted"), strings.HasPrefix(line, "-DENIED"):
		r.observe(exposure.ClassRedisExposed, exposure.Confirmed, "Redis répond et exige une authentification : "+r.Banner)
		return r, nil
	default:
		return nil, ErrNoMatch
	}
	if _, err := c.Write([]byte("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n")); err == nil {
		b, _ := readAtMost(c, MaxBanner, bulkComplete)
		if info, ok := ParseRedisInfo(b); ok {
			r.Version = info["redis_version"]
		}
	}
	ev := "PING → PONG sans authentification"
	if r.Version != "" {
		ev += ", INFO lisible (redis_version " + r.Version + ")"
	}
	r.observe(exposure.ClassRedisNoAuth, exposure.Confirmed, ev)
	r.versionObservation()
	return r, nil
}
