package probe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// MSRPC binds to the DCE/RPC endpoint mapper (C706, MS-RPCE) and asks it
// for its registered endpoints (ept_lookup, anonymous on Windows): the
// interfaces listed tell an Active Directory domain controller (directory
// replication, Netlogon) from another Windows host.
type MSRPC struct{}

// Name implements Prober.
func (MSRPC) Name() string { return "msrpc" }

// Ports implements Prober.
func (MSRPC) Ports() []int { return []int{135} }

// DCE/RPC packet types.
const (
	rpcRequest  = 0
	rpcResponse = 2
	rpcFault    = 3
	rpcBind     = 11
	rpcBindAck  = 12
	rpcBindNak  = 13
)

// uuidLE encodes a textual UUID in DCE's mixed-endian wire form.
func uuidLE(s string) []byte {
	h := strings.ReplaceAll(s, "-", "")
	b := make([]byte, 16)
	for i := range b {
		fmt.Sscanf(h[2*i:2*i+2], "%02x", &b[i])
	}
	// time_low, time_mid, time_hi are little-endian on the wire.
	b[0], b[1], b[2], b[3] = b[3], b[2], b[1], b[0]
	b[4], b[5] = b[5], b[4]
	b[6], b[7] = b[7], b[6]
	return b
}

// uuidString decodes the wire form.
func uuidString(b []byte) string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
}

var (
	epmUUID = uuidLE("e1af8308-5d1f-11c9-91a4-08002b14a0fa")
	ndrUUID = uuidLE("8a885d04-1ceb-11c9-9fe8-08002b104860")
)

// rpcInterfaces names the interfaces worth reporting; dc marks those only a
// domain controller offers.
var rpcInterfaces = map[string]struct {
	name string
	dc   bool
}{
	"e3514235-4b06-11d1-ab04-00c04fc2dcd2": {"réplication d'annuaire (DRSUAPI)", true},
	"12345678-1234-abcd-ef00-01234567cffb": {"Netlogon", true},
	"12345778-1234-abcd-ef00-0123456789ab": {"LSA", false},
	"12345778-1234-abcd-ef00-0123456789ac": {"SAMR", false},
	"50abc2a4-574d-40b3-9d66-ee4fd5fba076": {"serveur DNS", false},
	"367abb81-9844-35f1-ad32-98f038001003": {"gestionnaire de services", false},
	"86d35949-83c9-4044-b424-db363231fd0c": {"planificateur de tâches", false},
	"12345778-1234-abcd-ef00-0123456789a5": {"registre distant", false},
}

func rpcHeader(ptype byte, fragLen int, callID uint32) []byte {
	h := []byte{5, 0, ptype, 0x03, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(h[8:], uint16(fragLen))
	binary.LittleEndian.PutUint32(h[12:], callID)
	return h
}

// epmBind is the bind request to the endpoint mapper v3.0 with NDR.
func epmBind() []byte {
	body := []byte{0xb8, 0x10, 0xb8, 0x10, 0, 0, 0, 0} // max xmit/recv 4280, assoc group 0
	body = append(body, 1, 0, 0, 0)                    // one context element
	body = append(body, 0, 0, 1, 0)                    // context 0, one transfer syntax
	body = append(body, epmUUID...)
	body = append(body, 3, 0, 0, 0) // version 3.0
	body = append(body, ndrUUID...)
	body = append(body, 2, 0, 0, 0) // NDR version 2
	return append(rpcHeader(rpcBind, 16+len(body), 1), body...)
}

// eptLookup is the ept_lookup request (opnum 2): every element, at most 200.
func eptLookup() []byte {
	stub := []byte{0, 0, 0, 0}               // inquiry_type: RPC_C_EP_ALL_ELTS
	stub = append(stub, 0, 0, 0, 0)          // object: NULL
	stub = append(stub, 0, 0, 0, 0)          // interface_id: NULL
	stub = append(stub, 1, 0, 0, 0)          // vers_option: RPC_C_VERS_ALL
	stub = append(stub, make([]byte, 20)...) // entry_handle: NULL context
	stub = append(stub, 200, 0, 0, 0)        // max_ents
	req := make([]byte, 8)
	binary.LittleEndian.PutUint32(req, uint32(len(stub))) // alloc hint
	binary.LittleEndian.PutUint16(req[6:], 2)             // opnum
	req = append(req, stub...)
	return append(rpcHeader(rpcRequest, 16+len(req), 2), req...)
}

// RPCPacket is one parsed DCE/RPC connection-oriented PDU.
type RPCPacket struct {
	Type  byte
	Flags byte // 0x01 first fragment, 0x02 last fragment
	Body  []byte
}

// ParseRPCPacket checks the common header (version 5.0, little-endian data
// representation) and returns the PDU's type and body.
func ParseRPCPacket(b []byte) (*RPCPacket, error) {
	if len(b) < 16 || b[0] != 5 || b[1] != 0 || b[4]&0xf0 != 0x10 {
		return nil, ErrNoMatch
	}
	n := int(binary.LittleEndian.Uint16(b[8:10]))
	if n < 16 || n > len(b) {
		return nil, ErrNoMatch
	}
	switch b[2] {
	case rpcResponse, rpcFault, rpcBindAck, rpcBindNak:
	default:
		return nil, ErrNoMatch
	}
	return &RPCPacket{Type: b[2], Flags: b[3], Body: b[16:n]}, nil
}

// BindAccepted reads a bind_ack: the first context result is acceptance.
func BindAccepted(body []byte) bool {
	if len(body) < 10 {
		return false
	}
	sl := int(binary.LittleEndian.Uint16(body[8:10]))
	off := 10 + sl
	off += (4 - off%4) % 4
	if off+6 > len(body) || body[off] == 0 {
		return false
	}
	return binary.LittleEndian.Uint16(body[off+4:]) == 0
}

// EndpointInterfaces extracts the interface UUIDs of the towers an
// ept_lookup answer lists (floor 1: protocol 0x0d, UUID, version).
func EndpointInterfaces(stub []byte) []string {
	seen := map[string]bool{}
	var out []string
	marker := []byte{0x13, 0x00, 0x0d}
	for i := 0; i+3+16 <= len(stub) && len(out) < 256; {
		j := bytes.Index(stub[i:], marker)
		if j < 0 {
			break
		}
		k := i + j + 3
		if k+16 > len(stub) {
			break
		}
		u := uuidString(stub[k : k+16])
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
		i = k + 16
	}
	return out
}

func readRPC(c net.Conn) (*RPCPacket, error) {
	h, err := readFull(c, 16)
	if err != nil {
		return nil, ErrNoMatch
	}
	if h[0] != 5 || h[1] != 0 {
		return nil, ErrNoMatch
	}
	n := int(binary.LittleEndian.Uint16(h[8:10]))
	if n < 16 || n > 64<<10 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n-16)
	if err != nil {
		return nil, ErrNoMatch
	}
	return ParseRPCPacket(append(h, rest...))
}

// Probe implements Prober.
func (MSRPC) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(epmBind()); err != nil {
		return nil, err
	}
	p, err := readRPC(c)
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "msrpc", Product: "Microsoft RPC"}
	switch {
	case p.Type == rpcBindNak:
		r.Banner = "DCE/RPC : liaison refusée (bind_nak)"
		r.observe(exposure.ClassMSRPCExposed, exposure.Confirmed, "service DCE/RPC joignable ; "+r.Banner)
		return r, nil
	case p.Type != rpcBindAck:
		return nil, ErrNoMatch
	case !BindAccepted(p.Body):
		r.Banner = "DCE/RPC : mappeur de points de terminaison refusé"
		r.observe(exposure.ClassMSRPCExposed, exposure.Confirmed, "service DCE/RPC joignable ; "+r.Banner)
		return r, nil
	}
	r.Banner = "mappeur de points de terminaison RPC (liaison acceptée)"
	var names []string
	dc := false
	if _, err := c.Write(eptLookup()); err == nil {
		var stub []byte
		for i := 0; i < 16; i++ { // a long list comes in fragments
			q, err := readRPC(c)
			if err != nil || q.Type != rpcResponse || len(q.Body) < 8 {
				break
			}
			stub = append(stub, q.Body[8:]...)
			if q.Flags&0x02 != 0 || len(stub) > 256<<10 {
				break
			}
		}
		ifs := EndpointInterfaces(stub)
		for _, u := range ifs {
			if k, ok := rpcInterfaces[u]; ok {
				names = append(names, k.name)
				dc = dc || k.dc
			}
		}
		sort.Strings(names)
		names = dedupe(names)
		r.Banner += ", " + french.Plural(len(ifs), "interface annoncée", "interfaces annoncées")
		if len(names) > 0 {
			r.Banner += " dont " + strings.Join(names, ", ")
		}
	}
	r.observe(exposure.ClassMSRPCExposed, exposure.Confirmed, "service MS-RPC joignable : "+r.Banner)
	if dc {
		r.observe(exposure.ClassADExposed, exposure.Confirmed, "contrôleur de domaine Active Directory : le mappeur RPC annonce "+strings.Join(names, ", "))
	}
	return r, nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
