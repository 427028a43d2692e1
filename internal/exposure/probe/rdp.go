package probe

import (
	"context"
	"encoding/binary"
	"fmt"

	"vigie/internal/exposure"
)

// RDP sends an X.224 Connection Request with an RDP negotiation request
// (TLS | CredSSP) and reads the Connection Confirm (MS-RDPBCGR §2.2.1.2).
type RDP struct{}

// Name implements Prober.
func (RDP) Name() string { return "rdp" }

// Ports implements Prober.
func (RDP) Ports() []int { return []int{3389} }

var rdpConnectionRequest = []byte{
	0x03, 0x00, 0x00, 0x13, // TPKT, length 19
	0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, // X.224 CR
	0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00, // RDP_NEG_REQ: TLS | CredSSP
}

// RDPAnswer is the parsed Connection Confirm.
type RDPAnswer struct {
	Negotiated bool
	Selected   uint32 // 0 standard RDP security, 1 TLS, 2 CredSSP, 8 CredSSP EX
	Failure    uint32 // RDP_NEG_FAILURE code, when the server refused
}

// ParseX224CC decodes a TPKT + X.224 Connection Confirm.
func ParseX224CC(b []byte) (*RDPAnswer, error) {
	if len(b) < 11 || b[0] != 3 || b[1] != 0 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < 11 || n > len(b) || b[5]&0xf0 != 0xd0 {
		return nil, ErrNoMatch
	}
	a := &RDPAnswer{}
	if n >= 19 {
		neg := b[11:19]
		switch neg[0] {
		case 0x02:
			a.Negotiated = true
			a.Selected = binary.LittleEndian.Uint32(neg[4:])
		case 0x03:
			a.Failure = binary.LittleEndian.Uint32(neg[4:])
		}
	}
	return a, nil
}

func rdpProtocolName(p uint32) string {
	switch p {
	case 0:
		return "sécurité RDP standard"
	case 1:
		return "TLS sans NLA"
	case 2:
		return "CredSSP (NLA)"
	case 8:
		return "CredSSP étendu (NLA)"
	}
	return fmt.Sprintf("protocole %d", p)
}

// Probe implements Prober.
func (RDP) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(rdpConnectionRequest); err != nil {
		return nil, err
	}
	h, err := readFull(c, 4)
	if err != nil || h[0] != 3 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint16(h[2:4]))
	if n < 11 || n > 512 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n-4)
	if err != nil {
		return nil, ErrNoMatch
	}
	a, err := ParseX224CC(append(h, rest...))
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "rdp", Product: "RDP"}
	switch {
	case a.Negotiated:
		r.Banner = "X.224 Connection Confirm, " + rdpProtocolName(a.Selected)
	case a.Failure != 0:
		r.Banner = fmt.Sprintf("X.224 Connection Confirm, négociation refusée (code %d)", a.Failure)
	default:
		r.Banner = "X.224 Connection Confirm (sans négociation : sécurité RDP standard)"
	}
	r.observe(exposure.ClassRDPExposed, exposure.Confirmed, r.Banner)
	if (a.Negotiated && a.Selected != 2 && a.Selected != 8) || (!a.Negotiated && a.Failure == 0) {
		r.observe(exposure.ClassRDPNoNLA, exposure.Confirmed, "le serveur accepte une session sans authentification préalable (NLA) : "+r.Banner)
	}
	return r, nil
}
