package probe

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"vigie/internal/exposure"
)

// VNC reads the RFB version and the security types offered (RFC 6143).
type VNC struct{}

// Name implements Prober.
func (VNC) Name() string { return "vnc" }

// Ports implements Prober.
func (VNC) Ports() []int { return []int{5900, 5901, 5902} }

var rfbRe = regexp.MustCompile(`^RFB ([0-9]{3})\.([0-9]{3})\n$`)

// ParseRFBVersion reads "RFB 003.008\n" and returns major, minor.
func ParseRFBVersion(b []byte) (int, int, error) {
	m := rfbRe.FindSubmatch(b)
	if m == nil {
		return 0, 0, ErrNoMatch
	}
	var maj, mnr int
	fmt.Sscanf(string(m[1]), "%d", &maj)
	fmt.Sscanf(string(m[2]), "%d", &mnr)
	return maj, mnr, nil
}

var rfbSecNames = map[byte]string{1: "None", 2: "VNC Authentication", 5: "RA2", 16: "Tight", 18: "TLS", 19: "VeNCrypt", 30: "Apple"}

// Probe implements Prober.
func (VNC) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	b, err := readFull(c, 12)
	if err != nil {
		return nil, ErrNoMatch
	}
	maj, mnr, err := ParseRFBVersion(b)
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "vnc", Product: "RFB", Version: fmt.Sprintf("%d.%d", maj, mnr), Banner: printable(b, 32)}
	r.observe(exposure.ClassVNCExposed, exposure.Confirmed, "protocole RFB "+r.Version)
	reply := "RFB 003.008\n"
	if maj == 3 && mnr < 7 {
		reply = "RFB 003.003\n"
	} else if maj == 3 && mnr == 7 {
		reply = "RFB 003.007\n"
	}
	if _, err := c.Write([]byte(reply)); err != nil {
		return r, nil
	}
	var types []byte
	if reply == "RFB 003.003\n" {
		t4, err := readFull(c, 4)
		if err != nil {
			return r, nil
		}
		types = []byte{t4[3]}
		if t4[0]|t4[1]|t4[2] != 0 {
			types = nil
		}
	} else {
		n, err := readFull(c, 1)
		if err != nil || n[0] == 0 {
			return r, nil
		}
		if types, err = readFull(c, int(n[0])); err != nil {
			return r, nil
		}
	}
	var names []string
	for _, ty := range types {
		n := rfbSecNames[ty]
		if n == "" {
			n = fmt.Sprintf("type %d", ty)
		}
		names = append(names, n)
		if ty == 1 {
			r.observe(exposure.ClassVNCNoAuth, exposure.Confirmed, "type de sécurité « None » proposé : accès sans mot de passe")
		}
	}
	r.Banner += " sécurité : " + strings.Join(names, ", ")
	return r, nil
}
