package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"regexp"

	"vigie/internal/exposure"
)

// MySQL reads the server handshake (protocol 10) and tries root with an empty
// password (mysql_native_password, empty auth response).
type MySQL struct{}

// Name implements Prober.
func (MySQL) Name() string { return "mysql" }

// Ports implements Prober.
func (MySQL) Ports() []int { return []int{3306, 3307} }

// MySQLHandshake is the parsed initial handshake.
type MySQLHandshake struct {
	Protocol byte
	Version  string
	// ErrorCode and ErrorMsg are set when the server refused at once (e.g. host not allowed).
	ErrorCode uint16
	ErrorMsg  string
}

// readMySQLPacket reads one packet (bounded to 64 KiB).
func readMySQLPacket(c net.Conn) ([]byte, byte, error) {
	h, err := readFull(c, 4)
	if err != nil {
		return nil, 0, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	if n == 0 || n > MaxBanner {
		return nil, 0, ErrNoMatch
	}
	p, err := readFull(c, n)
	return p, h[3], err
}

var mariaRe = regexp.MustCompile(`^(?:5\.5\.5-)?([0-9]+\.[0-9]+\.[0-9]+)-MariaDB`)
var mysqlVerRe = regexp.MustCompile(`^([0-9]+\.[0-9]+\.[0-9]+)`)

// ParseMySQLHandshake decodes the payload of the first packet.
func ParseMySQLHandshake(p []byte) (*MySQLHandshake, error) {
	if len(p) < 1 {
		return nil, ErrNoMatch
	}
	if p[0] == 0xff {
		if len(p) < 4 {
			return nil, ErrNoMatch
		}
		code := binary.LittleEndian.Uint16(p[1:3])
		if code < 1000 {
			return nil, ErrNoMatch // MySQL error codes start at 1000
		}
		msg := p[3:]
		if len(msg) > 0 && msg[0] == '#' && len(msg) >= 6 {
			msg = msg[6:]
		}
		return &MySQLHandshake{ErrorCode: code, ErrorMsg: printable(msg, 200)}, nil
	}
	if p[0] != 10 {
		return nil, ErrNoMatch
	}
	end := bytes.IndexByte(p[1:], 0)
	if end < 1 || end > 100 {
		return nil, ErrNoMatch
	}
	v := string(p[1 : 1+end])
	if !mysqlVerRe.MatchString(v) {
		return nil, ErrNoMatch
	}
	return &MySQLHandshake{Protocol: 10, Version: v}, nil
}

// Probe implements Prober.
func (MySQL) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	p, _, err := readMySQLPacket(c)
	if err != nil {
		return nil, ErrNoMatch
	}
	h, err := ParseMySQLHandshake(p)
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "mysql", Product: "MySQL"}
	if h.ErrorCode != 0 {
		r.Banner = fmt.Sprintf("erreur %d : %s", h.ErrorCode, h.ErrorMsg)
		r.observe(exposure.ClassMySQLExposed, exposure.Confirmed, "le serveur répond mais refuse cette adresse : "+r.Banner)
		return r, nil
	}
	r.Banner = printable([]byte(h.Version), 100)
	if m := mariaRe.FindStringSubmatch(h.Version); m != nil {
		r.Product, r.Version = "MariaDB", m[1]
	} else if m := mysqlVerRe.FindStringSubmatch(h.Version); m != nil {
		r.Version = m[1]
	}
	r.observe(exposure.ClassMySQLExposed, exposure.Confirmed, "poignée de main "+r.Product+" "+h.Version)
	if ok, why := mysqlEmptyRoot(c); ok {
		r.observe(exposure.ClassMySQLNoPassword, exposure.Confirmed, why)
	}
	r.versionObservation()
	return r, nil
}

// mysqlEmptyRoot sends a HandshakeResponse41 for root with an empty password.
func mysqlEmptyRoot(c net.Conn) (bool, string) {
	const (
		longPassword     = 0x1
		protocol41       = 0x200
		secureConnection = 0x8000
		pluginAuth       = 0x80000
	)
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, uint32(longPassword|protocol41|secureConnection|pluginAuth))
	_ = binary.Write(&b, binary.LittleEndian, uint32(1<<24))
	b.WriteByte(33)
	b.Write(make([]byte, 23))
	b.WriteString("root\x00")
	b.WriteByte(0) // empty auth response
	b.WriteString("mysql_native_password\x00")
	if err := writeMySQLPacket(c, 1, b.Bytes()); err != nil {
		return false, ""
	}
	for i := 0; i < 3; i++ {
		p, seq, err := readMySQLPacket(c)
		if err != nil {
			return false, ""
		}
		switch p[0] {
		case 0x00:
			return true, "connexion « root » sans mot de passe acceptée"
		case 0xfe: // auth switch: answer with an empty password again
			if err := writeMySQLPacket(c, seq+1, nil); err != nil {
				return false, ""
			}
		default:
			return false, ""
		}
	}
	return false, ""
}

func writeMySQLPacket(c net.Conn, seq byte, p []byte) error {
	h := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), seq}
	_, err := c.Write(append(h, p...))
	return err
}
