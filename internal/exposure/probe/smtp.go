package probe

import (
	"context"
	"regexp"
	"strings"

	"vigie/internal/exposure"
)

// SMTP reads the greeting and the EHLO capabilities (STARTTLS).
type SMTP struct{}

// Name implements Prober.
func (SMTP) Name() string { return "smtp" }

// Ports implements Prober.
func (SMTP) Ports() []int { return []int{25, 587} }

var smtpProducts = []productPattern{
	{regexp.MustCompile(`Postfix`), "Postfix"},
	{regexp.MustCompile(`Exim ([0-9.]+)`), "Exim"},
	{regexp.MustCompile(`Microsoft ESMTP MAIL Service`), "Microsoft Exchange"},
	{regexp.MustCompile(`Sendmail ([0-9.]+)`), "Sendmail"},
	{regexp.MustCompile(`OpenSMTPD`), "OpenSMTPD"},
}

// ParseSMTPGreeting checks a 220 greeting and finds the product.
func ParseSMTPGreeting(l string) (*Result, error) {
	if !strings.HasPrefix(l, "220") || !strings.Contains(strings.ToUpper(l), "SMTP") && !strings.Contains(strings.ToUpper(l), "MAIL") && !strings.Contains(l, "Postfix") {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "smtp", Banner: printable([]byte(l), 255)}
	r.Product, r.Version = matchProduct(smtpProducts, l)
	return r, nil
}

// Probe implements Prober.
func (SMTP) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	lr := newLineReader(c)
	code, lines, err := readReply(lr)
	if err != nil || code != "220" {
		return nil, ErrNoMatch
	}
	r, err := ParseSMTPGreeting(strings.Join(lines, " "))
	if err != nil {
		return nil, err
	}
	r.observe(exposure.ClassSMTPOpen, exposure.Confirmed, "accueil SMTP « "+r.Banner+" »")
	if code, lines, err := command(c, lr, "EHLO vigie.invalid"); err == nil && code == "250" {
		starttls := false
		for _, l := range lines {
			if strings.Contains(strings.ToUpper(l), "STARTTLS") {
				starttls = true
			}
		}
		if !starttls && !t.TLS {
			r.observe(exposure.ClassSMTPNoSTARTTLS, exposure.Confirmed, "EHLO sans STARTTLS")
		}
	}
	_, _ = c.Write([]byte("QUIT\r\n"))
	r.versionObservation()
	return r, nil
}
