package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"vigie/internal/exposure"
)

// Postgres sends a StartupMessage as user "postgres" and reads which
// authentication the server asks for (trust lets us in at once).
type Postgres struct{}

// Name implements Prober.
func (Postgres) Name() string { return "postgresql" }

// Ports implements Prober.
func (Postgres) Ports() []int { return []int{5432, 5433} }

// PGMessage is one backend message.
type PGMessage struct {
	Type byte
	Body []byte
}

func readPGMessage(c net.Conn) (PGMessage, error) {
	h, err := readFull(c, 5)
	if err != nil {
		return PGMessage{}, err
	}
	n := int(binary.BigEndian.Uint32(h[1:]))
	if n < 4 || n > MaxBanner {
		return PGMessage{}, ErrNoMatch
	}
	b, err := readFull(c, n-4)
	return PGMessage{Type: h[0], Body: b}, err
}

// PGAuthName names an AuthenticationRequest code.
func PGAuthName(code uint32) string {
	switch code {
	case 0:
		return "trust (aucune authentification)"
	case 3:
		return "mot de passe en clair"
	case 5:
		return "md5"
	case 10:
		return "SCRAM-SHA-256"
	case 7:
		return "GSSAPI"
	case 9:
		return "SSPI"
	}
	return fmt.Sprintf("méthode %d", code)
}

// ParsePGError extracts the message (field M) of an ErrorResponse.
func ParsePGError(b []byte) string {
	for len(b) > 1 {
		f := b[0]
		end := bytes.IndexByte(b[1:], 0)
		if end < 0 {
			break
		}
		v := string(b[1 : 1+end])
		if f == 'M' {
			return printable([]byte(v), 200)
		}
		b = b[2+end:]
	}
	return ""
}

// Probe implements Prober.
func (Postgres) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	body := []byte("\x00\x03\x00\x00user\x00postgres\x00database\x00postgres\x00application_name\x00vigie\x00\x00")
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))
	if _, err := c.Write(append(msg, body...)); err != nil {
		return nil, err
	}
	m, err := readPGMessage(c)
	if err != nil {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "postgresql", Product: "PostgreSQL"}
	switch m.Type {
	case 'E':
		r.Banner = ParsePGError(m.Body)
		if r.Banner == "" {
			return nil, ErrNoMatch
		}
		r.observe(exposure.ClassPostgresExposed, exposure.Confirmed, "le serveur répond : "+r.Banner)
		return r, nil
	case 'R':
		if len(m.Body) < 4 {
			return nil, ErrNoMatch
		}
	default:
		return nil, ErrNoMatch
	}
	code := binary.BigEndian.Uint32(m.Body)
	r.Banner = "authentification demandée : " + PGAuthName(code)
	r.observe(exposure.ClassPostgresExposed, exposure.Confirmed, r.Banner)
	switch code {
	case 0:
		r.observe(exposure.ClassPostgresTrust, exposure.Confirmed, "connexion « postgres » acceptée sans mot de passe (trust)")
		for i := 0; i < 64; i++ {
			m, err := readPGMessage(c)
			if err != nil || m.Type == 'Z' {
				break
			}
			if m.Type == 'S' {
				k, v, _ := strings.Cut(string(m.Body), "\x00")
				if k == "server_version" {
					r.Version = printable([]byte(strings.Fields(strings.TrimRight(v, "\x00") + " ")[0]), 40)
				}
			}
		}
		_, _ = c.Write([]byte{'X', 0, 0, 0, 4})
	case 3:
		r.observe(exposure.ClassPostgresCleartextAuth, exposure.Confirmed, "le serveur demande le mot de passe en clair")
	}
	r.versionObservation()
	return r, nil
}
