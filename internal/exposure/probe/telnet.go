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

// Telnet commands (RFC 854).
const (
	telnetSE   = 240
	telnetSB   = 250
	telnetWILL = 251
	telnetDONT = 254
	telnetIAC  = 255
)

// IsTelnet reports whether the first bytes are Telnet option negotiation —
// they must start with IAC and parse as a run of complete commands (at least
// two, or one alone, or followed by text) — or a plain login prompt. A
// random talker almost never passes: a Telnet finding is critical.
func IsTelnet(b []byte) bool {
	b = b[:min(len(b), 512)]
	if len(b) >= 3 && b[0] == telnetIAC {
		n, i := 0, 0
		for i+2 < len(b) && b[i] == telnetIAC {
			switch c := b[i+1]; {
			case c >= telnetWILL && c <= telnetDONT:
				i += 3
			case c == telnetSB:
				end := -1
				for j := i + 3; j+1 < len(b); j++ {
					if b[j] == telnetIAC && b[j+1] == telnetSE {
						end = j + 2
						break
					}
				}
				if end < 0 {
					return false
				}
				i = end
			default:
				return false
			}
			n++
		}
		if i > len(b) {
			return false
		}
		rest := b[i:]
		return n >= 2 || len(rest) == 0 || isText(rest)
	}
	s := strings.ToLower(string(b))
	return strings.HasSuffix(strings.TrimSpace(s), "login:")
}

// isText: printable ASCII with line ends.
func isText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
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
