package probe

import (
	"context"
	"strings"

	"vigie/internal/exposure"
)

// Telnet waits for IAC option negotiation (RFC 854) or a login prompt.
type Telnet struct{}

// Name implements Prober.
func (Telnet) Name() string { return "telnet" }

// Ports implements Prober.
func (Telnet) Ports() []int { return []int{23, 2323} }

// IsTelnet reports whether the first bytes are IAC negotiation (IAC then
// WILL/WONT/DO/DONT/SB) or a plain login prompt.
func IsTelnet(b []byte) bool {
	for i := 0; i+1 < len(b) && i < 64; i++ {
		if b[i] == 0xff && b[i+1] >= 0xfa && b[i+1] <= 0xfe {
			return true
		}
	}
	s := strings.ToLower(string(b[:min(len(b), 512)]))
	return strings.HasSuffix(strings.TrimSpace(s), "login:")
}

// Probe implements Prober.
func (Telnet) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	b, _ := readAtMost(c, 512, func(b []byte) bool { return len(b) >= 3 })
	if !IsTelnet(b) {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "telnet", Banner: printable(b, 128)}
	r.observe(exposure.ClassTelnetExposed, exposure.Confirmed, "négociation Telnet « "+r.Banner+" »")
	return r, nil
}
