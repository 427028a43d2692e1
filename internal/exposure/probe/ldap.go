package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"

	"vigie/internal/exposure"
)

// LDAP reads the rootDSE anonymously (a base search on the empty DN, RFC
// 4512 §5.1): what any visitor learns about the directory. An Active
// Directory domain controller announces itself there (its capabilities,
// domain and functional levels); reachable from the internet it is critical
// for the CaRE programme. Nothing is written and no bind is attempted. The
// answer is read with go-ldap's BER library under a 64 KiB bound per
// message (go-ldap's client would accept packets of up to 2 GiB from a
// hostile server).
type LDAP struct{}

// Name implements Prober.
func (LDAP) Name() string { return "ldap" }

// Ports implements Prober.
func (LDAP) Ports() []int { return []int{389, 3268} }

// LDAP protocol operations (RFC 4511, APPLICATION tags).
const (
	ldapSearchRequest   = 3
	ldapSearchResEntry  = 4
	ldapSearchResDone   = 5
	ldapExtendedResp    = 24
	ldapADCapability    = "1.2.840.113556.1.4.800" // LDAP_CAP_ACTIVE_DIRECTORY_OID
	maxLDAPAnswerLength = 64 << 10
)

// rootDSEAttributes are the attributes asked for (a bare base search
// returns only the user attributes of the rootDSE on some servers).
var rootDSEAttributes = []string{
	"namingContexts", "defaultNamingContext", "rootDomainNamingContext", "dnsHostName", "serverName",
	"supportedLDAPVersion", "supportedCapabilities", "supportedSASLMechanisms", "vendorName", "vendorVersion",
	"domainFunctionality", "forestFunctionality", "domainControllerFunctionality", "isGlobalCatalogReady",
	"ldapServiceName", "objectClass",
}

// rootDSERequest is the LDAPMessage of the search.
func rootDSERequest(id int64) []byte {
	msg := ber.NewSequence("LDAPMessage")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "messageID"))
	req := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldapSearchRequest, nil, "SearchRequest")
	req.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "baseObject"))
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, "scope: base"))
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, "derefAliases: never"))
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, "sizeLimit"))
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, "timeLimit"))
	req.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, false, "typesOnly"))
	req.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 7, "objectClass", "filter: present"))
	attrs := ber.NewSequence("attributes")
	for _, a := range rootDSEAttributes {
		attrs.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a, "attribute"))
	}
	req.AppendChild(attrs)
	msg.AppendChild(req)
	return msg.Bytes()
}

// RootDSE is what the directory said about itself.
type RootDSE struct {
	// Attributes by lower-case name.
	Attributes map[string][]string
	// ResultCode of SearchResultDone (0 success); Diagnostic its message.
	ResultCode int64
	Diagnostic string
	Done       bool
}

// Get returns the first value of an attribute.
func (d *RootDSE) Get(name string) string {
	if v := d.Attributes[strings.ToLower(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether an attribute holds a value.
func (d *RootDSE) Has(name, value string) bool {
	for _, v := range d.Attributes[strings.ToLower(name)] {
		if strings.EqualFold(v, value) {
			return true
		}
	}
	return false
}

// ActiveDirectory reports whether the rootDSE is an AD domain controller's.
func (d *RootDSE) ActiveDirectory() bool {
	return d.Has("supportedCapabilities", ldapADCapability) || d.Get("domainControllerFunctionality") != ""
}

// readLDAPMessage reads one BER element of at most maxLDAPAnswerLength bytes.
func readLDAPMessage(r io.Reader) (*ber.Packet, error) {
	h := make([]byte, 2)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, err
	}
	if h[0] != 0x30 {
		return nil, ErrNoMatch // an LDAPMessage is a SEQUENCE
	}
	var n int
	head := h
	switch l := h[1]; {
	case l < 0x80:
		n = int(l)
	case l == 0x80 || l > 0x84:
		return nil, ErrNoMatch
	default:
		lb := make([]byte, int(l&0x7f))
		if _, err := io.ReadFull(r, lb); err != nil {
			return nil, err
		}
		for _, b := range lb {
			n = n<<8 | int(b)
		}
		head = append(head, lb...)
	}
	if n <= 0 || n > maxLDAPAnswerLength {
		return nil, ErrNoMatch
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	p, err := ber.DecodePacketErr(append(head, body...))
	if err != nil {
		return nil, ErrNoMatch
	}
	return p, nil
}

// ParseRootDSEAnswer reads the server's answer to the rootDSE search: the
// SearchResultEntry (if any) then SearchResultDone. It accepts anything
// without panicking; ErrNoMatch when the bytes are not LDAP.
func ParseRootDSEAnswer(r io.Reader) (d *RootDSE, err error) {
	defer func() {
		if recover() != nil {
			d, err = nil, ErrNoMatch
		}
	}()
	d = &RootDSE{Attributes: map[string][]string{}}
	seen := false
	for i := 0; i < 8 && !d.Done; i++ {
		p, err := readLDAPMessage(r)
		if err != nil {
			if seen && !errors.Is(err, ErrNoMatch) {
				return d, nil
			}
			return nil, ErrNoMatch
		}
		if len(p.Children) < 2 || p.Children[0].Tag != ber.TagInteger || p.Children[0].ClassType != ber.ClassUniversal {
			return nil, ErrNoMatch
		}
		op := p.Children[1]
		if op.ClassType != ber.ClassApplication {
			return nil, ErrNoMatch
		}
		switch op.Tag {
		case ldapSearchResEntry:
			if len(op.Children) < 2 {
				return nil, ErrNoMatch
			}
			for _, a := range op.Children[1].Children {
				if len(a.Children) < 2 {
					continue
				}
				name := strings.ToLower(printable(a.Children[0].Data.Bytes(), 64))
				for _, v := range a.Children[1].Children {
					if len(d.Attributes[name]) < 64 {
						d.Attributes[name] = append(d.Attributes[name], printable(v.Data.Bytes(), 200))
					}
				}
			}
		case ldapSearchResDone, ldapExtendedResp:
			// LDAPResult: resultCode, matchedDN, diagnosticMessage.
			if len(op.Children) < 3 || op.Children[0].Tag != ber.TagEnumerated {
				return nil, ErrNoMatch
			}
			code, err := ber.ParseInt64(op.Children[0].Data.Bytes())
			if err != nil {
				return nil, ErrNoMatch
			}
			d.ResultCode = code
			d.Diagnostic = printable(op.Children[2].Data.Bytes(), 200)
			d.Done = true
		default:
			return nil, ErrNoMatch
		}
		seen = true
	}
	if !d.Done && len(d.Attributes) == 0 {
		return nil, ErrNoMatch
	}
	return d, nil
}

// Probe implements Prober.
func (LDAP) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(rootDSERequest(1)); err != nil {
		return nil, err
	}
	d, err := ParseRootDSEAnswer(io.LimitReader(c, 4*maxLDAPAnswerLength))
	if err != nil {
		return nil, err
	}
	return ldapResult(d, t.TLS), nil
}

// ldapResult turns a rootDSE into the port's result and observations.
func ldapResult(d *RootDSE, inTLS bool) *Result {
	r := &Result{Service: "ldap", Product: "LDAP"}
	switch {
	case strings.Contains(strings.ToLower(d.Get("vendorName")), "samba"):
		r.Product = "Samba Active Directory"
		r.Version = d.Get("vendorVersion")
	case d.ActiveDirectory():
		r.Product = "Microsoft Active Directory"
	case d.Has("objectClass", "OpenLDAProotDSE"):
		r.Product = "OpenLDAP"
	case d.Get("vendorName") != "":
		r.Product = d.Get("vendorName")
		r.Version = d.Get("vendorVersion")
	}
	var facts []string
	nc := d.Get("defaultNamingContext")
	if nc == "" && len(d.Attributes["namingcontexts"]) > 0 {
		nc = strings.Join(d.Attributes["namingcontexts"][:min(3, len(d.Attributes["namingcontexts"]))], " ; ")
	}
	if nc != "" {
		facts = append(facts, "contexte "+nc)
	}
	if h := d.Get("dnsHostName"); h != "" {
		facts = append(facts, "hôte "+h)
	}
	if lvl := d.Get("domainFunctionality"); lvl != "" {
		facts = append(facts, "niveau fonctionnel du domaine "+lvl)
	}
	if mechs := d.Attributes["supportedsaslmechanisms"]; len(mechs) > 0 {
		m := append([]string(nil), mechs...)
		sort.Strings(m)
		facts = append(facts, "SASL "+strings.Join(m[:min(4, len(m))], ", "))
	}
	how := "rootDSE lu sans authentification"
	if len(d.Attributes) == 0 {
		how = fmt.Sprintf("l'annuaire répond mais refuse la lecture anonyme du rootDSE (code %d %s)", d.ResultCode, d.Diagnostic)
	}
	r.Banner = how
	if len(facts) > 0 {
		r.Banner += " : " + strings.Join(facts, ", ")
	}
	r.observe(exposure.ClassLDAPExposed, exposure.Confirmed, "annuaire LDAP joignable ; "+r.Banner)
	if d.ActiveDirectory() {
		dom := nc
		if dom == "" {
			dom = "domaine non précisé"
		}
		r.observe(exposure.ClassADExposed, exposure.Confirmed, fmt.Sprintf("contrôleur de domaine Active Directory (%s) : %s", dom, strings.Join(facts, ", ")))
	}
	if inTLS {
		r.Service = "ldaps"
	}
	r.versionObservation()
	return r
}
