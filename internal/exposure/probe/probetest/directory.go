package probetest

import (
	"encoding/binary"
	"io"
	"net"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"
)

// LDAP answers a rootDSE search: an Active Directory domain controller's
// (domain chu.test) when ad is true, an OpenLDAP server's otherwise.
func LDAP(ad bool) Handler {
	return func(c net.Conn) {
		req, err := ber.ReadPacket(io.LimitReader(c, 64<<10))
		if err != nil || len(req.Children) < 2 {
			return
		}
		id := req.Children[0].Value
		attrs := map[string][]string{"namingContexts": {"dc=example,dc=org"}, "objectClass": {"top", "OpenLDAProotDSE"}, "supportedLDAPVersion": {"3"}}
		if ad {
			attrs = map[string][]string{
				"defaultNamingContext":    {"DC=chu,DC=test"},
				"namingContexts":          {"DC=chu,DC=test", "CN=Configuration,DC=chu,DC=test"},
				"dnsHostName":             {"dc01.chu.test"},
				"supportedCapabilities":   {"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670"},
				"domainFunctionality":     {"7"},
				"supportedSASLMechanisms": {"GSSAPI", "GSS-SPNEGO", "EXTERNAL", "DIGEST-MD5"},
			}
		}
		e := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 4, nil, "SearchResultEntry")
		e.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "objectName"))
		list := ber.NewSequence("attributes")
		for k, vs := range attrs {
			a := ber.NewSequence("attribute")
			a.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, k, "type"))
			set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "vals")
			for _, v := range vs {
				set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, "val"))
			}
			a.AppendChild(set)
			list.AppendChild(a)
		}
		e.AppendChild(list)
		d := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 5, nil, "SearchResultDone")
		d.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, "resultCode"))
		d.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matchedDN"))
		d.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "diagnosticMessage"))
		_, _ = c.Write(append(ldapMessage(id, e).Bytes(), ldapMessage(id, d).Bytes()...))
	}
}

// ldapMessage wraps a complete protocol operation (the BER library encodes
// a child when it is appended, so the operation must be built first).
func ldapMessage(id any, op *ber.Packet) *ber.Packet {
	m := ber.NewSequence("LDAPMessage")
	m.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "messageID"))
	m.AppendChild(op)
	return m
}

// Kerberos answers any framed request with a KRB-ERROR "wrong realm" from
// the realm CHU.TEST.
func Kerberos(c net.Conn) {
	h := make([]byte, 4)
	if _, err := io.ReadFull(c, h); err != nil {
		return
	}
	n := binary.BigEndian.Uint32(h)
	if n > 64<<10 {
		return
	}
	if _, err := io.ReadFull(c, make([]byte, n)); err != nil {
		return
	}
	sname := types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", "CHU.TEST"}}
	e := messages.NewKRBError(sname, "CHU.TEST", 68, "")
	b, err := e.Marshal()
	if err != nil {
		return
	}
	_, _ = c.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...))
}

// rpcUUID encodes a UUID in DCE's wire form.
func rpcUUID(s string) []byte {
	var b [16]byte
	j := 0
	for i := 0; i < len(s) && j < 16; i++ {
		if s[i] == '-' {
			continue
		}
		var v byte
		for _, c := range s[i : i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				v |= byte(c - 'a' + 10)
			}
		}
		b[j] = v
		j++
		i++
	}
	b[0], b[1], b[2], b[3] = b[3], b[2], b[1], b[0]
	b[4], b[5] = b[5], b[4]
	b[6], b[7] = b[7], b[6]
	return b[:]
}

// tower is an ncacn_ip_tcp protocol tower for an interface on a port.
func tower(uuid string, port uint16) []byte {
	t := []byte{5, 0}
	t = append(t, 0x13, 0, 0x0d)
	t = append(t, rpcUUID(uuid)...)
	t = append(t, 1, 0, 2, 0, 0, 0) // version 1.0, rhs minor 0
	t = append(t, 0x13, 0, 0x0d)
	t = append(t, rpcUUID("8a885d04-1ceb-11c9-9fe8-08002b104860")...)
	t = append(t, 2, 0, 2, 0, 0, 0)
	t = append(t, 1, 0, 0x0b, 2, 0, 0, 0) // RPC connection-oriented
	t = append(t, 1, 0, 0x07, 2, 0, byte(port>>8), byte(port))
	t = append(t, 1, 0, 0x09, 4, 0, 127, 0, 0, 1)
	return t
}

// MSRPC is an endpoint mapper: it accepts the bind and lists, for
// ept_lookup, the interfaces of a domain controller (dc) or of a plain
// Windows server.
func MSRPC(dc bool) Handler {
	return func(c net.Conn) {
		for call := 0; call < 4; call++ {
			h := make([]byte, 16)
			if _, err := io.ReadFull(c, h); err != nil || h[0] != 5 {
				return
			}
			n := int(binary.LittleEndian.Uint16(h[8:10]))
			if n < 16 || n > 8192 {
				return
			}
			if _, err := io.ReadFull(c, make([]byte, n-16)); err != nil {
				return
			}
			var ptype byte
			var body []byte
			switch h[2] {
			case 11: // bind → bind_ack, context accepted
				ptype = 12
				body = []byte{0xb8, 0x10, 0xb8, 0x10, 0x12, 0x34, 0, 0, 4, 0, '1', '3', '5', 0, 0, 0}
				body = append(body, 1, 0, 0, 0, 0, 0, 0, 0)
				body = append(body, rpcUUID("8a885d04-1ceb-11c9-9fe8-08002b104860")...)
				body = append(body, 2, 0, 0, 0)
			case 0: // request (ept_lookup) → response with towers
				ptype = 2
				ifs := []string{"12345778-1234-abcd-ef00-0123456789ac", "367abb81-9844-35f1-ad32-98f038001003"}
				if dc {
					ifs = append(ifs, "e3514235-4b06-11d1-ab04-00c04fc2dcd2", "12345678-1234-abcd-ef00-01234567cffb")
				}
				stub := make([]byte, 20)
				stub = binary.LittleEndian.AppendUint32(stub, uint32(len(ifs)))
				for i, u := range ifs {
					t := tower(u, uint16(49152+i))
					stub = binary.LittleEndian.AppendUint32(stub, uint32(len(t)))
					stub = binary.LittleEndian.AppendUint32(stub, uint32(len(t)))
					stub = append(stub, t...)
				}
				stub = append(stub, 0, 0, 0, 0)
				body = binary.LittleEndian.AppendUint32(nil, uint32(len(stub)))
				body = append(body, 0, 0, 0, 0)
				body = append(body, stub...)
			default:
				return
			}
			out := []byte{5, 0, ptype, 3, 0x10, 0, 0, 0, 0, 0, 0, 0}
			binary.LittleEndian.PutUint16(out[8:], uint16(16+len(body)))
			out = append(out, h[12:16]...)
			_, _ = c.Write(append(out, body...))
		}
	}
}
