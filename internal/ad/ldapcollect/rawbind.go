package ldapcollect

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	ntlmssp "github.com/Azure/go-ntlmssp"
	ber "github.com/go-asn1-ber/asn1-ber"
)

// Samba offers NTLM as the SASL mechanism "NTLM" but not Microsoft's
// "Sicily" NTLM bind that go-ldap speaks (it closes the connection). The
// SASL exchange is done here on a fresh connection, before go-ldap takes it
// over; only bind and StartTLS messages are ever written by this file.

const (
	appBindRequest     = 0
	appBindResponse    = 1
	appExtendedRequest = 23
	appExtendedResp    = 24
	oidStartTLS        = "1.3.6.1.4.1.1466.20037"
	resultSuccess      = 0
	resultSASLProgress = 14
)

// rawConn dials the DC and sets up TLS (LDAPS, or StartTLS by hand).
func rawConn(ctx context.Context, cfg Config) (net.Conn, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := &net.Dialer{Timeout: cfg.DialTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, dialError(addr, err)
	}
	if cfg.TLS == TLSNone {
		return c, nil
	}
	tc, err := cfg.tlsConfig()
	if err != nil {
		c.Close()
		return nil, err
	}
	if cfg.TLS == TLSStartTLS {
		req := envelope(1, extendedStartTLS())
		if err := roundTrip(c, req, appExtendedResp, nil); err != nil {
			c.Close()
			return nil, newErr(KindTLS, err, "StartTLS refusé par %s ; essayez --tls ldaps", addr)
		}
	}
	t := tls.Client(c, tc)
	t.SetDeadline(time.Now().Add(cfg.DialTimeout))
	if err := t.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, tlsErr(addr, err)
	}
	t.SetDeadline(time.Time{})
	return t, nil
}

func envelope(id int64, op *ber.Packet) *ber.Packet {
	p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "MessageID"))
	p.AppendChild(op)
	return p
}

func extendedStartTLS() *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appExtendedRequest, nil, "Extended Request")
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, oidStartTLS, "StartTLS"))
	return op
}

func saslBind(mech string, creds []byte) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appBindRequest, nil, "Bind Request")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "Version"))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "Name"))
	sasl := ber.Encode(ber.ClassContext, ber.TypeConstructed, 3, nil, "SASL")
	sasl.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, mech, "Mechanism"))
	sasl.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(creds), "Credentials"))
	op.AppendChild(sasl)
	return op
}

// ldapResult is the interesting part of a bind or extended response.
type ldapResult struct {
	code      int64
	diag      string
	saslCreds []byte
}

// roundTrip sends one request and reads the response of the given type.
func roundTrip(c net.Conn, req *ber.Packet, wantApp ber.Tag, res *ldapResult) error {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write(req.Bytes()); err != nil {
		return err
	}
	p, err := ber.ReadPacket(c)
	if err != nil {
		return fmt.Errorf("réponse LDAP illisible : %w", err)
	}
	if len(p.Children) < 2 || p.Children[1].ClassType != ber.ClassApplication || p.Children[1].Tag != wantApp {
		return errors.New("réponse LDAP inattendue")
	}
	op := p.Children[1]
	if len(op.Children) < 3 {
		return errors.New("réponse LDAP incomplète")
	}
	var r ldapResult
	code, ok := op.Children[0].Value.(int64)
	if !ok {
		return errors.New("code de résultat LDAP illisible")
	}
	r.code = code
	r.diag, _ = op.Children[2].Value.(string)
	for _, ch := range op.Children[3:] {
		if ch.ClassType == ber.ClassContext && ch.Tag == 7 {
			r.saslCreds = ch.Data.Bytes()
		}
	}
	if res != nil {
		*res = r
		return nil
	}
	if r.code != resultSuccess {
		return fmt.Errorf("code LDAP %d : %s", r.code, r.diag)
	}
	return nil
}

// saslNTLM runs the two-step SASL "NTLM" bind.
func saslNTLM(c net.Conn, domain, user, password string) error {
	neg, err := ntlmssp.NewNegotiateMessage(domain, "")
	if err != nil {
		return err
	}
	var r ldapResult
	if err := roundTrip(c, envelope(2, saslBind("NTLM", neg)), appBindResponse, &r); err != nil {
		return err
	}
	if r.code != resultSASLProgress || len(r.saslCreds) == 0 {
		return &saslError{code: r.code, diag: r.diag}
	}
	auth, err := ntlmssp.NewAuthenticateMessage(r.saslCreds, user, password, nil)
	if err != nil {
		return fmt.Errorf("réponse au défi NTLM : %w", err)
	}
	if err := roundTrip(c, envelope(3, saslBind("NTLM", auth)), appBindResponse, &r); err != nil {
		return err
	}
	if r.code != resultSuccess {
		return &saslError{code: r.code, diag: r.diag}
	}
	return nil
}

// saslError is a refused SASL bind.
type saslError struct {
	code int64
	diag string
}

func (e *saslError) Error() string { return fmt.Sprintf("code LDAP %d : %s", e.code, e.diag) }
