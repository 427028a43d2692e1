package oradad

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// multiValued lists the text attributes ORADAD joins with ';' that are
// split back. Other text attributes are kept whole: a description may hold
// a ';'. Binary values (hex, SIDs) are always split.
var multiValued = map[string]bool{
	"objectclass": true, "member": true, "memberof": true, "serviceprincipalname": true,
	"msds-allowedtodelegateto": true, "namingcontexts": true, "supportedcontrol": true,
	"supportedcapabilities": true, "supportedldapversion": true, "supportedsaslmechanisms": true,
	"supportedldappolicies": true, "certificatetemplates": true, "pkiextendedkeyusage": true,
	"mspki-certificate-application-policy": true, "mspki-ra-application-policies": true,
	"msds-keycredentiallink": true, "proxyaddresses": true, "subrefs": true, "wellknownobjects": true,
	"otherwellknownobjects": true, "msds-hasdomainncs": true, "hasmasterncs": true,
	"msds-hasmasterncs": true, "msds-nc-replica-locations": true, "upnsuffixes": true,
	"msds-spnsuffixes": true, "altsecurityidentities": true, "msds-psoappliesto": true,
	"msds-psoapplied": true, "msds-neverrevealgroup": true, "msds-revealondemandgroup": true,
	"msds-revealedusers": true, "sitelist": true, "appliesto": true, "msds-enabledfeature": true,
	"keywords": true, "servicebindinginformation": true, "dnsrecord": true, "dnsproperty": true,
	"msds-hostserviceaccount": true, "msds-managedby": true, "dscorepropagationdata": true,
	"msds-hasfullreplicancs": true, "mspki-certificate-policy": true, "cacertificatedn": true,
	"pkicriticalextensions": true, "pkidefaultcsps": true, "maycontain": true, "systemmaycontain": true,
	"mustcontain": true, "systemmustcontain": true, "auxiliaryclass": true, "systemauxiliaryclass": true,
	"possuperiors": true, "systempossuperiors": true,
}

// generalizedTime lists attributes of LDAP GeneralizedTime syntax; the other
// dates ORADAD writes are FILETIME integers.
var generalizedTime = map[string]bool{
	"whencreated": true, "whenchanged": true, "dscorepropagationdata": true, "createtimestamp": true,
	"modifytimestamp": true, "msds-entry-time-to-die": true, "currenttime": true, "mstsexpiredate": true,
	"schemaupdate": true,
}

// emptyMeansZero lists FILETIME attributes that AD always holds: ORADAD
// writes their value 0 as an empty field.
var emptyMeansZero = map[string]bool{"pwdlastset": true, "accountexpires": true}

// filetimeEpoch is 1601-01-01 UTC, the FILETIME origin.
var filetimeEpoch = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)

// neverDate is how ORADAD writes FILETIME 0x7FFFFFFFFFFFFFFF.
const neverDate = "2999-12-12 23:59:59"

// parseDate reads ORADAD's "YYYY-MM-DD HH:MM:SS" (UTC).
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q invalide (attendu AAAA-MM-JJ HH:MM:SS)", s)
	}
	return t, nil
}

// dateToFiletime converts an ORADAD date to the FILETIME integer LDAP returns.
func dateToFiletime(s string) (string, error) {
	if s == neverDate {
		return "9223372036854775807", nil
	}
	t, err := parseDate(s)
	if err != nil {
		return "", err
	}
	if t.Year() > 2800 || t.Before(filetimeEpoch) {
		return "", fmt.Errorf("date %q hors de l'intervalle FILETIME", s)
	}
	// seconds between 1601-01-01 and 1970-01-01: 11,644,473,600
	ft := (t.Unix()+11644473600)*10_000_000 + int64(t.Nanosecond()/100)
	return strconv.FormatInt(ft, 10), nil
}

// dateToGeneralized converts an ORADAD date to LDAP GeneralizedTime.
func dateToGeneralized(s string) (string, error) {
	t, err := parseDate(s)
	if err != nil {
		return "", err
	}
	return t.Format("20060102150405") + ".0Z", nil
}

// sidToBinary encodes "S-1-5-21-…" in the MS-DTYP binary form.
func sidToBinary(s string) ([]byte, error) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") {
		return nil, fmt.Errorf("SID %q invalide", s)
	}
	rev, err := strconv.ParseUint(parts[1], 10, 8)
	if err != nil || rev != 1 {
		return nil, fmt.Errorf("SID %q : révision invalide", s)
	}
	auth, err := strconv.ParseUint(parts[2], 10, 48)
	if err != nil {
		return nil, fmt.Errorf("SID %q : autorité invalide", s)
	}
	subs := parts[3:]
	if len(subs) > 15 {
		return nil, fmt.Errorf("SID %q : plus de 15 sous-autorités", s)
	}
	b := make([]byte, 8+4*len(subs))
	b[0] = 1
	b[1] = byte(len(subs))
	for i := 0; i < 6; i++ {
		b[2+i] = byte(auth >> (8 * (5 - i)))
	}
	for i, p := range subs {
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("SID %q : sous-autorité %q invalide", s, p)
		}
		binary.LittleEndian.PutUint32(b[8+4*i:], uint32(v))
	}
	return b, nil
}

// guidToBinary encodes a textual GUID in the mixed-endian form AD stores.
func guidToBinary(s string) ([]byte, error) {
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return nil, fmt.Errorf("GUID %q invalide", s)
	}
	raw, err := hex.DecodeString(strings.ReplaceAll(t, "-", ""))
	if err != nil || len(raw) != 16 {
		return nil, fmt.Errorf("GUID %q invalide", s)
	}
	b := make([]byte, 16)
	b[0], b[1], b[2], b[3] = raw[3], raw[2], raw[1], raw[0]
	b[4], b[5] = raw[5], raw[4]
	b[6], b[7] = raw[7], raw[6]
	copy(b[8:], raw[8:])
	return b, nil
}

// binaryValue decodes one ORADAD value of a binary attribute: a SID, a GUID
// or lowercase hex.
func binaryValue(v, sqlType string) ([]byte, error) {
	switch {
	case strings.HasPrefix(v, "S-1-") || strings.HasPrefix(v, "s-1-"):
		return sidToBinary(v)
	case sqlType == "uniqueidentifier" || (len(v) == 36 && strings.Count(v, "-") == 4) || (len(v) == 38 && v[0] == '{'):
		return guidToBinary(v)
	}
	if len(v)%2 != 0 {
		return nil, fmt.Errorf("valeur hexadécimale de longueur impaire (%d caractères)", len(v))
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		if strings.HasPrefix(v, "O:") || strings.HasPrefix(v, "D:") || strings.HasPrefix(v, "G:") {
			return nil, fmt.Errorf("descripteur au format SDDL, non pris en charge (seule la forme hexadécimale l'est)")
		}
		return nil, fmt.Errorf("valeur hexadécimale invalide")
	}
	return b, nil
}
