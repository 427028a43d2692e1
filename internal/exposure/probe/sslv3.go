package probe

import (
	"context"
	"crypto/rand"
	"encoding/binary"
)

// sslv3Hello is an SSL 3.0 ClientHello offering common SSLv3 suites.
func sslv3Hello() []byte {
	suites := []uint16{0x000a, 0x002f, 0x0035, 0x0005, 0x0004, 0x0009, 0x0016, 0x0033, 0x0039, 0x00ff}
	body := []byte{3, 0}
	rnd := make([]byte, 32)
	_, _ = rand.Read(rnd)
	body = append(body, rnd...)
	body = append(body, 0) // no session id
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(suites)))
	for _, s := range suites {
		body = binary.BigEndian.AppendUint16(body, s)
	}
	body = append(body, 1, 0) // null compression
	hs := []byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{0x16, 3, 0, byte(len(hs) >> 8), byte(len(hs))}
	return append(rec, hs...)
}

// ParseServerHelloVersion reads the first TLS record: a handshake record
// carrying a ServerHello returns its version; an alert returns 0.
func ParseServerHelloVersion(b []byte) (uint16, error) {
	if len(b) < 5 {
		return 0, ErrNoMatch
	}
	switch b[0] {
	case 0x15: // alert
		return 0, nil
	case 0x16:
	default:
		return 0, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint16(b[3:5]))
	if len(b) < 5+n || n < 6 || b[5] != 2 {
		return 0, ErrNoMatch
	}
	return binary.BigEndian.Uint16(b[9:11]), nil
}

// SSLv3Accepted offers only SSL 3.0 and reports whether the server agreed.
func SSLv3Accepted(ctx context.Context, t Target) (bool, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return false, err
	}
	defer c.Close()
	if _, err := c.Write(sslv3Hello()); err != nil {
		return false, err
	}
	b, _ := readAtMost(c, 16<<10, func(b []byte) bool {
		return len(b) >= 5 && len(b) >= 5+int(binary.BigEndian.Uint16(b[3:5]))
	})
	v, err := ParseServerHelloVersion(b)
	if err != nil {
		return false, err
	}
	return v == 0x0300, nil
}
