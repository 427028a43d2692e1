package probe

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"vigie/internal/exposure"
)

// SSH reads the identification string (RFC 4253 §4.2).
type SSH struct{}

// Name implements Prober.
func (SSH) Name() string { return "ssh" }

// Ports implements Prober.
func (SSH) Ports() []int { return []int{22, 2222} }

// Probe implements Prober.
func (SSH) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	_, _ = c.Write([]byte("SSH-2.0-Vigie\r\n"))
	lr := newLineReader(c)
	// Servers may send other lines before the identification string.
	for i := 0; i < 10; i++ {
		l, err := lr.line()
		if strings.HasPrefix(l, "SSH-") {
			return ParseSSHBanner(l)
		}
		if err != nil {
			break
		}
	}
	return nil, ErrNoMatch
}

// SSHInfo is the parsed identification string.
type SSHInfo struct {
	Proto, Software, Comments string
}

var opensshRe = regexp.MustCompile(`^OpenSSH_([0-9]+)\.([0-9]+)((?:\.[0-9]+)?(?:p[0-9]+)?)`)

// ParseSSHBanner reads "SSH-protoversion-softwareversion [comments]".
func ParseSSHBanner(line string) (*Result, error) {
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "SSH-") || len(line) > 255 {
		return nil, ErrNoMatch
	}
	rest := line[4:]
	proto, sw, ok := strings.Cut(rest, "-")
	if !ok || proto == "" || sw == "" {
		return nil, ErrNoMatch
	}
	sw, _, _ = strings.Cut(sw, " ")
	sw = printable([]byte(sw), 100)
	r := &Result{Service: "ssh", Banner: printable([]byte(line), 255)}
	r.Product, r.Version = sw, ""
	if m := opensshRe.FindStringSubmatch(sw); m != nil {
		r.Product = "OpenSSH"
		r.Version = m[1] + "." + m[2] + m[3]
	} else if p, v, ok := strings.Cut(sw, "_"); ok {
		r.Product, r.Version = p, v
	}
	r.observe(exposure.ClassSSHExposed, exposure.Confirmed, "bannière « "+r.Banner+" »")
	if proto != "2.0" && proto != "1.99" {
		r.observe(exposure.ClassSSHOutdated, exposure.Confirmed, fmt.Sprintf("protocole SSH %s annoncé", proto))
	} else if m := opensshRe.FindStringSubmatch(sw); m != nil {
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if major < 7 || (major == 7 && minor < 4) {
			r.observe(exposure.ClassSSHOutdated, exposure.VersionBased, "OpenSSH "+r.Version+" (antérieur à 7.4, hors support)")
		}
	}
	r.versionObservation()
	return r, nil
}
