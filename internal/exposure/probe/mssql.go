package probe

import (
	"context"
	"encoding/binary"
	"fmt"

	"vigie/internal/exposure"
)

// MSSQL sends a TDS PRELOGIN and reads the server version (MS-TDS §2.2.6.5).
type MSSQL struct{}

// Name implements Prober.
func (MSSQL) Name() string { return "mssql" }

// Ports implements Prober.
func (MSSQL) Ports() []int { return []int{1433, 1434} }

// preloginPacket is a PRELOGIN with VERSION, ENCRYPTION (off), INSTOPT, THREADID and MARS.
func preloginPacket() []byte {
	// option table: 5 options × 5 bytes + terminator = 26; data follows
	data := []byte{
		0, 0, 0, 0, 0, 0, // version 0.0.0.0, subbuild 0
		0,          // encryption: ENCRYPT_OFF
		0,          // instance: empty string
		0, 0, 0, 0, // thread id
		0, // MARS off
	}
	opts := []struct{ tok, off, ln int }{{0, 26, 6}, {1, 32, 1}, {2, 33, 1}, {3, 34, 4}, {4, 38, 1}}
	var body []byte
	for _, o := range opts {
		body = append(body, byte(o.tok), byte(o.off>>8), byte(o.off), byte(o.ln>>8), byte(o.ln))
	}
	body = append(body, 0xff)
	body = append(body, data...)
	h := []byte{0x12, 0x01, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(h[2:], uint16(len(h)+len(body)))
	return append(h, body...)
}

// ParsePrelogin reads a PRELOGIN response packet and returns "major.minor.build".
func ParsePrelogin(p []byte) (string, error) {
	if len(p) < 8 || p[0] != 0x04 {
		return "", ErrNoMatch
	}
	n := int(binary.BigEndian.Uint16(p[2:4]))
	if n < 8 || n > len(p) {
		return "", ErrNoMatch
	}
	body := p[8:n]
	for i := 0; i+5 <= len(body) && i < 5*32; i += 5 {
		tok := body[i]
		if tok == 0xff {
			break
		}
		off := int(binary.BigEndian.Uint16(body[i+1:]))
		ln := int(binary.BigEndian.Uint16(body[i+3:]))
		if tok == 0 {
			if ln < 6 || off+6 > len(body) {
				return "", ErrNoMatch
			}
			v := body[off : off+6]
			return fmt.Sprintf("%d.%d.%d", v[0], v[1], binary.BigEndian.Uint16(v[2:4])), nil
		}
	}
	return "", ErrNoMatch
}

// mssqlProduct names well-known major versions.
func mssqlProduct(v string) string {
	var major int
	fmt.Sscanf(v, "%d", &major)
	names := map[int]string{8: "2000", 9: "2005", 10: "2008", 11: "2012", 12: "2014", 13: "2016", 14: "2017", 15: "2019", 16: "2022", 17: "2025"}
	if n, ok := names[major]; ok {
		return "Microsoft SQL Server " + n
	}
	return "Microsoft SQL Server"
}

// Probe implements Prober.
func (MSSQL) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(preloginPacket()); err != nil {
		return nil, err
	}
	h, err := readFull(c, 8)
	if err != nil || h[0] != 0x04 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint16(h[2:4]))
	if n < 8 || n > 4096 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n-8)
	if err != nil {
		return nil, ErrNoMatch
	}
	v, err := ParsePrelogin(append(h, rest...))
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "mssql", Product: "Microsoft SQL Server", Version: v, Banner: "TDS PRELOGIN version " + v}
	r.observe(exposure.ClassMSSQLExposed, exposure.Confirmed, mssqlProduct(v)+" (PRELOGIN, version "+v+")")
	r.versionObservation()
	return r, nil
}
