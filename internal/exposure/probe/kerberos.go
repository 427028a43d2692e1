package probe

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"

	"vigie/internal/exposure"
)

// Kerberos sends an AS-REQ (RFC 4120, over TCP with its 4-byte length) for a
// made-up client of a made-up realm: a KDC answers with a KRB-ERROR (wrong
// realm, unknown client …) that proves it is one. No password is tried. A
// KDC reachable from the internet is in practice an Active Directory domain
// controller: password spraying and AS-REP roasting start there.
type Kerberos struct{}

// Name implements Prober.
func (Kerberos) Name() string { return "kerberos" }

// Ports implements Prober.
func (Kerberos) Ports() []int { return []int{88} }

// kerberosProbeRealm is the realm asked for; no KDC serves it.
const kerberosProbeRealm = "VIGIE-AUDIT.INVALID"

// asRequest builds the framed AS-REQ.
func asRequest() ([]byte, error) {
	cfg := config.New()
	cfg.LibDefaults.NoAddresses = true
	cname := types.PrincipalName{NameType: nametype.KRB_NT_PRINCIPAL, NameString: []string{"vigie-audit"}}
	req, err := messages.NewASReqForTGT(kerberosProbeRealm, cfg, cname)
	if err != nil {
		return nil, err
	}
	b, err := req.Marshal()
	if err != nil {
		return nil, err
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...), nil
}

// KerberosAnswer is the parsed reply.
type KerberosAnswer struct {
	// ASRep is true for a ticket (should not happen for a made-up realm).
	ASRep bool
	// ErrorCode and its name for a KRB-ERROR; Realm is the realm it names.
	ErrorCode int32
	ErrorName string
	Realm     string
}

// ParseKerberosReply decodes a framed reply (4-byte length then a KRB-ERROR
// or an AS-REP). It accepts any bytes without panicking.
func ParseKerberosReply(b []byte) (a *KerberosAnswer, err error) {
	defer func() {
		if recover() != nil {
			a, err = nil, ErrNoMatch
		}
	}()
	if len(b) < 6 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(b))
	if n < 2 || n > len(b)-4 || n > 64<<10 {
		return nil, ErrNoMatch
	}
	msg := b[4 : 4+n]
	switch msg[0] {
	case 0x7e: // [APPLICATION 30] KRB-ERROR
		var e messages.KRBError
		if err := e.Unmarshal(msg); err != nil || e.PVNO != 5 {
			return nil, ErrNoMatch
		}
		return &KerberosAnswer{ErrorCode: e.ErrorCode, ErrorName: printable([]byte(errorcode.Lookup(e.ErrorCode)), 80), Realm: printable([]byte(e.Realm), 100)}, nil
	case 0x6b: // [APPLICATION 11] AS-REP
		var r messages.ASRep
		if err := r.Unmarshal(msg); err != nil {
			return nil, ErrNoMatch
		}
		return &KerberosAnswer{ASRep: true, Realm: printable([]byte(r.CRealm), 100)}, nil
	}
	return nil, ErrNoMatch
}

// Probe implements Prober.
func (Kerberos) Probe(ctx context.Context, t Target) (*Result, error) {
	req, err := asRequest()
	if err != nil {
		return nil, err
	}
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		return nil, err
	}
	h, err := readFull(c, 4)
	if err != nil {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(h))
	if n < 2 || n > 64<<10 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n)
	if err != nil {
		return nil, ErrNoMatch
	}
	a, err := ParseKerberosReply(append(h, rest...))
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "kerberos", Product: "Kerberos KDC"}
	if a.ASRep {
		r.Banner = "AS-REP reçu pour un client inventé (royaume " + a.Realm + ")"
	} else {
		r.Banner = fmt.Sprintf("KRB-ERROR %d %s", a.ErrorCode, a.ErrorName)
	}
	r.observe(exposure.ClassKerberosExposed, exposure.Confirmed, "centre de distribution de clés Kerberos joignable : "+r.Banner+" en réponse à une demande AS-REQ")
	return r, nil
}
