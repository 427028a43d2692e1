package probe

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"

	"vigie/internal/exposure"
)

// FTP reads the greeting, asks FEAT and tries an anonymous login (read-only:
// nothing is listed or downloaded).
type FTP struct{}

// Name implements Prober.
func (FTP) Name() string { return "ftp" }

// Ports implements Prober.
func (FTP) Ports() []int { return []int{21, 2121} }

var ftpProducts = []productPattern{
	{regexp.MustCompile(`\(vsFTPd ([0-9.]+)\)`), "vsftpd"},
	{regexp.MustCompile(`ProFTPD ([0-9.]+[a-z]?)`), "ProFTPD"},
	{regexp.MustCompile(`Pure-FTPd`), "Pure-FTPd"},
	{regexp.MustCompile(`FileZilla Server(?: version)? ([0-9.]+)`), "FileZilla Server"},
	{regexp.MustCompile(`Microsoft FTP Service`), "Microsoft IIS ftpd"},
}

// ParseFTPGreeting checks a "220" greeting and extracts product and version.
func ParseFTPGreeting(l string) (*Result, error) {
	if len(l) < 3 || !strings.HasPrefix(l, "220") {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "ftp", Banner: printable([]byte(l), 255)}
	r.Product, r.Version = matchProduct(ftpProducts, l)
	return r, nil
}

// readReply reads one (possibly multi-line) FTP/SMTP reply: code and lines.
func readReply(lr *lineReader) (string, []string, error) {
	l, err := lr.line()
	if err != nil && l == "" {
		return "", nil, err
	}
	if len(l) < 3 {
		return "", nil, ErrNoMatch
	}
	code := l[:3]
	lines := []string{l}
	if len(l) > 3 && l[3] == '-' {
		for i := 0; i < 100; i++ {
			l, err = lr.line()
			lines = append(lines, l)
			if err != nil || (strings.HasPrefix(l, code) && (len(l) == 3 || l[3] == ' ')) {
				break
			}
		}
	}
	return code, lines, nil
}

func command(c net.Conn, lr *lineReader, cmd string) (string, []string, error) {
	if _, err := c.Write([]byte(cmd + "\r\n")); err != nil {
		return "", nil, err
	}
	return readReply(lr)
}

// Probe implements Prober.
func (FTP) Probe(ctx context.Context, t Target) (*Result, error) {
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
	r, err := ParseFTPGreeting(strings.Join(lines, " "))
	if err != nil {
		return nil, err
	}
	tlsOffered := false
	if code, lines, err := command(c, lr, "FEAT"); err == nil && code == "211" {
		for _, l := range lines {
			if strings.Contains(strings.ToUpper(l), "AUTH TLS") {
				tlsOffered = true
			}
		}
	}
	if !tlsOffered && !t.TLS {
		r.observe(exposure.ClassFTPCleartext, exposure.Confirmed, "le serveur FTP ne propose pas AUTH TLS (identifiants en clair)")
	}
	code, _, err = command(c, lr, "USER anonymous")
	if err == nil && code == "331" {
		code, _, err = command(c, lr, "PASS vigie@audit.invalid")
	}
	if err == nil && code == "230" {
		r.observe(exposure.ClassFTPAnonymous, exposure.Confirmed, fmt.Sprintf("connexion anonyme acceptée (réponse %s)", code))
	}
	_, _ = c.Write([]byte("QUIT\r\n"))
	r.versionObservation()
	return r, nil
}
