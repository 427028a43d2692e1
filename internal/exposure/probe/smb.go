package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"

	"vigie/internal/exposure"
)

// SMB sends SMB_COM_NEGOTIATE requests: one offering SMB1 and SMB2, one
// offering only SMB1 ("NT LM 0.12") to tell whether SMBv1 is still enabled.
type SMB struct{}

// Name implements Prober.
func (SMB) Name() string { return "smb" }

// Ports implements Prober.
func (SMB) Ports() []int { return []int{445, 139} }

func smb1Negotiate(dialects ...string) []byte {
	hdr := []byte{
		0xff, 'S', 'M', 'B', 0x72, // NEGOTIATE
		0, 0, 0, 0, // status
		0x18,       // flags
		0x01, 0x40, // flags2: long names, NT status
		0, 0, // PID high
		0, 0, 0, 0, 0, 0, 0, 0, // signature
		0, 0, // reserved
		0xff, 0xff, // TID
		0xfe, 0xff, // PID
		0, 0, // UID
		0, 0, // MID
		0, // word count
	}
	var d []byte
	for _, s := range dialects {
		d = append(append(append(d, 0x02), s...), 0)
	}
	msg := append(hdr, byte(len(d)), byte(len(d)>>8))
	msg = append(msg, d...)
	nb := []byte{0, 0, 0, 0}
	binary.BigEndian.PutUint32(nb, uint32(len(msg)))
	nb[0] = 0
	return append(nb, msg...)
}

// SMBAnswer is the parsed negotiate response.
type SMBAnswer struct {
	SMB1    bool   // an SMB1 response with a selected dialect
	SMB2    bool   // an SMB2 negotiate response
	Dialect uint16 // SMB1 dialect index, or SMB2 dialect revision
}

// ParseSMBNegotiate decodes a NetBIOS-framed SMB1 or SMB2 negotiate response.
func ParseSMBNegotiate(b []byte) (*SMBAnswer, error) {
	if len(b) < 8 || b[0] != 0 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(b[0:4]) & 0xffffff)
	if n > len(b)-4 {
		return nil, ErrNoMatch
	}
	m := b[4 : 4+n]
	switch {
	case len(m) >= 37 && bytes.Equal(m[:4], []byte{0xff, 'S', 'M', 'B'}) && m[4] == 0x72:
		if binary.LittleEndian.Uint32(m[5:9]) != 0 || m[32] == 0 || len(m) < 35 {
			return &SMBAnswer{}, nil
		}
		idx := binary.LittleEndian.Uint16(m[33:35])
		return &SMBAnswer{SMB1: idx != 0xffff, Dialect: idx}, nil
	case len(m) >= 70 && bytes.Equal(m[:4], []byte{0xfe, 'S', 'M', 'B'}):
		return &SMBAnswer{SMB2: true, Dialect: binary.LittleEndian.Uint16(m[64+4:])}, nil
	}
	return nil, ErrNoMatch
}

func smbExchange(ctx context.Context, t Target, req []byte) (*SMBAnswer, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		return nil, err
	}
	return readSMB(c)
}

func readSMB(c net.Conn) (*SMBAnswer, error) {
	h, err := readFull(c, 4)
	if err != nil || h[0] != 0 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(h) & 0xffffff)
	if n < 32 || n > MaxBanner {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n)
	if err != nil {
		return nil, ErrNoMatch
	}
	return ParseSMBNegotiate(append(h, rest...))
}

func smb2DialectName(d uint16) string {
	switch d {
	case 0x0202:
		return "2.0.2"
	case 0x0210:
		return "2.1"
	case 0x0300:
		return "3.0"
	case 0x0302:
		return "3.0.2"
	case 0x0311:
		return "3.1.1"
	case 0x02ff:
		return "2.x"
	}
	return fmt.Sprintf("0x%04x", d)
}

// Probe implements Prober.
func (SMB) Probe(ctx context.Context, t Target) (*Result, error) {
	multi, err := smbExchange(ctx, t, smb1Negotiate("NT LM 0.12", "SMB 2.002", "SMB 2.???"))
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "smb", Product: "SMB"}
	switch {
	case multi.SMB2:
		r.Version = smb2DialectName(multi.Dialect)
		r.Banner = "négociation SMB2, dialecte " + r.Version
	case multi.SMB1:
		r.Version = "1"
		r.Banner = "négociation SMB1 (NT LM 0.12)"
	default:
		r.Banner = "négociation SMB refusée"
	}
	r.observe(exposure.ClassSMBExposed, exposure.Confirmed, r.Banner)
	if multi.SMB1 {
		r.observe(exposure.ClassSMBv1, exposure.Confirmed, "le serveur a choisi le dialecte SMBv1 « NT LM 0.12 »")
		return r, nil
	}
	if only1, err := smbExchange(ctx, t, smb1Negotiate("NT LM 0.12")); err == nil && only1.SMB1 {
		r.observe(exposure.ClassSMBv1, exposure.Confirmed, "le serveur accepte une négociation limitée à SMBv1 « NT LM 0.12 »")
	}
	return r, nil
}
