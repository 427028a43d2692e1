package probe

import (
	"context"
	"regexp"
	"strings"

	"vigie/internal/exposure"
)

// IMAP reads the greeting and the capabilities (STARTTLS), RFC 9051.
type IMAP struct{}

// Name implements Prober.
func (IMAP) Name() string { return "imap" }

// Ports implements Prober.
func (IMAP) Ports() []int { return []int{143} }

// POP3 reads the greeting and the capabilities (STLS), RFC 1939 and 2449.
type POP3 struct{}

// Name implements Prober.
func (POP3) Name() string { return "pop3" }

// Ports implements Prober.
func (POP3) Ports() []int { return []int{110} }

var mailProducts = []productPattern{
	{regexp.MustCompile(`Dovecot`), "Dovecot"},
	{regexp.MustCompile(`Cyrus IMAP[^ ]* v?([0-9][0-9.]*)`), "Cyrus IMAP"},
	{regexp.MustCompile(`Microsoft Exchange`), "Microsoft Exchange"},
	{regexp.MustCompile(`Courier-IMAP`), "Courier-IMAP"},
	{regexp.MustCompile(`Zimbra`), "Zimbra"},
}

// ParseIMAPGreeting checks "* OK" / "* PREAUTH" and finds the product.
func ParseIMAPGreeting(l string) (*Result, error) {
	if !strings.HasPrefix(l, "* OK") && !strings.HasPrefix(l, "* PREAUTH") {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "imap", Banner: printable([]byte(l), 255)}
	r.Product, r.Version = matchProduct(mailProducts, l)
	return r, nil
}

// ParsePOP3Greeting checks "+OK" and finds the product.
func ParsePOP3Greeting(l string) (*Result, error) {
	if !strings.HasPrefix(l, "+OK") {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "pop3", Banner: printable([]byte(l), 255)}
	r.Product, r.Version = matchProduct(mailProducts, l)
	return r, nil
}

// Probe implements Prober.
func (IMAP) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	lr := newLineReader(c)
	l, err := lr.line()
	if err != nil && l == "" {
		return nil, ErrNoMatch
	}
	r, err := ParseIMAPGreeting(l)
	if err != nil {
		return nil, err
	}
	r.observe(exposure.ClassIMAPOpen, exposure.Confirmed, "accueil IMAP « "+r.Banner+" »")
	caps := l
	if _, err := c.Write([]byte("V1 CAPABILITY\r\n")); err == nil {
		for i := 0; i < 20; i++ {
			l, err := lr.line()
			caps += " " + l
			if err != nil || strings.HasPrefix(l, "V1 ") {
				break
			}
		}
	}
	if !t.TLS && !strings.Contains(strings.ToUpper(caps), "STARTTLS") {
		r.observe(exposure.ClassIMAPNoSTARTTLS, exposure.Confirmed, "le serveur IMAP ne propose pas STARTTLS (identifiants en clair)")
	}
	_, _ = c.Write([]byte("V2 LOGOUT\r\n"))
	r.versionObservation()
	return r, nil
}

// Probe implements Prober.
func (POP3) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	lr := newLineReader(c)
	l, err := lr.line()
	if err != nil && l == "" {
		return nil, ErrNoMatch
	}
	r, err := ParsePOP3Greeting(l)
	if err != nil {
		return nil, err
	}
	r.observe(exposure.ClassPOP3Open, exposure.Confirmed, "accueil POP3 « "+r.Banner+" »")
	stls := false
	if _, err := c.Write([]byte("CAPA\r\n")); err == nil {
		if first, err := lr.line(); err == nil && strings.HasPrefix(first, "+OK") {
			for i := 0; i < 50; i++ {
				l, err := lr.line()
				if err != nil || l == "." {
					break
				}
				stls = stls || strings.EqualFold(strings.TrimSpace(l), "STLS")
			}
		}
	}
	if !t.TLS && !stls {
		r.observe(exposure.ClassPOP3NoSTLS, exposure.Confirmed, "le serveur POP3 ne propose pas STLS (identifiants en clair)")
	}
	_, _ = c.Write([]byte("QUIT\r\n"))
	r.versionObservation()
	return r, nil
}
