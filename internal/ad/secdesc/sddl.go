package secdesc

import (
	"fmt"
	"strconv"
	"strings"
)

// SDDLDomains gives the SIDs that the domain-relative SDDL aliases stand
// for: Domain for DA, DU, DC, DD, CA, PA, RS, CN, AP, KA…; Root (the forest
// root domain) for EA, SA, EK and RO. Root defaults to Domain.
type SDDLDomains struct {
	Domain SID
	Root   SID
}

// sddlWellKnown maps SDDL aliases to fixed SIDs (MS-DTYP 2.4.2.4).
var sddlWellKnown = map[string]SID{
	"WD": "S-1-1-0", "CO": "S-1-3-0", "CG": "S-1-3-1", "OW": "S-1-3-4", "NU": "S-1-5-2", "IU": "S-1-5-4",
	"SU": "S-1-5-6", "AN": "S-1-5-7", "ED": "S-1-5-9", "PS": "S-1-5-10", "AU": "S-1-5-11", "RC": "S-1-5-12",
	"SY": "S-1-5-18", "LS": "S-1-5-19", "NS": "S-1-5-20", "BA": "S-1-5-32-544", "BU": "S-1-5-32-545",
	"BG": "S-1-5-32-546", "PU": "S-1-5-32-547", "AO": "S-1-5-32-548", "SO": "S-1-5-32-549",
	"PO": "S-1-5-32-550", "BO": "S-1-5-32-551", "RE": "S-1-5-32-552", "RU": "S-1-5-32-554",
	"RD": "S-1-5-32-555", "NO": "S-1-5-32-556", "MU": "S-1-5-32-558", "LU": "S-1-5-32-559",
	"IS": "S-1-5-32-568", "CY": "S-1-5-32-569", "ER": "S-1-5-32-573", "CD": "S-1-5-32-574",
	"RA": "S-1-5-32-575", "ES": "S-1-5-32-576", "MS": "S-1-5-32-577", "HA": "S-1-5-32-578",
	"AA": "S-1-5-32-579", "RM": "S-1-5-32-580", "AC": "S-1-15-2-1", "LW": "S-1-16-4096",
	"ME": "S-1-16-8192", "MP": "S-1-16-8448", "HI": "S-1-16-12288", "SI": "S-1-16-16384",
}

// sddlDomainRIDs maps domain-relative aliases to their RID; root marks the
// forest-root ones.
var sddlDomainRIDs = map[string]struct {
	rid  uint32
	root bool
}{
	"LA": {500, false}, "LG": {501, false}, "DA": {512, false}, "DU": {513, false}, "DG": {514, false},
	"DC": {515, false}, "DD": {516, false}, "CA": {517, false}, "SA": {518, true}, "EA": {519, true},
	"PA": {520, false}, "RO": {498, true}, "CN": {522, false}, "AP": {525, false}, "KA": {526, false},
	"EK": {527, true}, "RS": {553, false},
}

// sddlRights maps two-letter SDDL access rights to mask bits.
var sddlRights = map[string]uint32{
	"GA": RightGenericAll, "GR": RightGenericRead, "GW": RightGenericWrite, "GX": RightGenericExec,
	"RC": RightReadControl, "SD": RightDelete, "WD": RightWriteDACL, "WO": RightWriteOwner,
	"RP": RightReadProperty, "WP": RightWriteProperty, "CC": RightCreateChild, "DC": RightDeleteChild,
	"LC": RightListChildren, "SW": RightSelf, "LO": RightListObject, "DT": RightDeleteTree,
	"CR": RightControlAccess, "FA": 0x001F01FF, "FR": 0x00120089, "FW": 0x00120116, "FX": 0x001200A0,
}

// sddlACETypes maps SDDL ACE type strings to ACE types.
var sddlACETypes = map[string]byte{
	"A": AceAccessAllowed, "D": AceAccessDenied, "OA": AceAccessAllowedObject, "OD": AceAccessDeniedObject,
	"AU": AceSystemAudit, "AL": AceSystemAlarm, "OU": AceSystemAuditObject, "OL": AceSystemAlarmObject,
	"XA": AceAccessAllowedCallback, "XD": AceAccessDeniedCallback, "ZA": AceAccessAllowedCallbackObject,
	"XU": AceSystemAuditCallback, "ML": AceSystemMandatoryLabel,
}

var sddlACEFlags = map[string]byte{
	"CI": FlagContainerInherit, "OI": FlagObjectInherit, "NP": FlagNoPropagateInherit,
	"IO": FlagInheritOnly, "ID": FlagInherited, "SA": FlagSuccessfulAccess, "FA": FlagFailedAccess,
}

// ParseSDDL reads a security descriptor in SDDL form (MS-DTYP 2.5.1), as
// Windows tools print it and as schema defaultSecurityDescriptor values and
// ORADAD's DACL-typed columns hold it. Domain-relative aliases (DA, EA…)
// need doms; a SID string is accepted anywhere an alias is. Conditional
// ACE expressions and resource attributes are not supported.
func ParseSDDL(s string, doms SDDLDomains) (*SecurityDescriptor, error) {
	if doms.Root == "" {
		doms.Root = doms.Domain
	}
	p := &sddlParser{s: strings.TrimSpace(s), doms: doms}
	sd, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("SDDL, caractère %d : %w", p.pos+1, err)
	}
	return sd, nil
}

type sddlParser struct {
	s    string
	pos  int
	doms SDDLDomains
}

func (p *sddlParser) parse() (*SecurityDescriptor, error) {
	sd := &SecurityDescriptor{}
	seen := map[byte]bool{}
	for p.pos < len(p.s) {
		if p.pos+1 >= len(p.s) || p.s[p.pos+1] != ':' {
			return nil, fmt.Errorf("section attendue (O:, G:, D: ou S:)")
		}
		kind := p.s[p.pos]
		if seen[kind] {
			return nil, fmt.Errorf("section %c: en double", kind)
		}
		seen[kind] = true
		p.pos += 2
		switch kind {
		case 'O', 'G':
			end := p.nextSection()
			sid, err := p.sid(p.s[p.pos:end])
			if err != nil {
				return nil, err
			}
			if kind == 'O' {
				sd.Owner = sid
			} else {
				sd.Group = sid
			}
			p.pos = end
		case 'D', 'S':
			acl, ctrl, err := p.acl(kind)
			if err != nil {
				return nil, err
			}
			sd.Control |= ctrl
			if kind == 'D' {
				sd.DACL = acl
				if acl != nil {
					sd.Control |= ControlDACLPresent
				}
			} else {
				sd.SACL = acl
				if acl != nil {
					sd.Control |= ControlSACLPresent
				}
			}
		default:
			return nil, fmt.Errorf("section %q inconnue", kind)
		}
	}
	return sd, nil
}

// nextSection returns the index where the next "X:" section starts.
func (p *sddlParser) nextSection() int {
	for i := p.pos; i+1 < len(p.s); i++ {
		switch p.s[i] {
		case 'O', 'G', 'D', 'S':
			if p.s[i+1] == ':' && i > p.pos {
				return i
			}
		}
	}
	return len(p.s)
}

func (p *sddlParser) acl(kind byte) (*ACL, uint16, error) {
	var ctrl uint16
	for p.pos < len(p.s) && p.s[p.pos] != '(' {
		switch {
		case strings.HasPrefix(p.s[p.pos:], "NO_ACCESS_CONTROL"):
			p.pos += len("NO_ACCESS_CONTROL")
			return nil, ctrl, nil
		case strings.HasPrefix(p.s[p.pos:], "AI"):
			if kind == 'D' {
				ctrl |= ControlDACLAutoInherited
			}
			p.pos += 2
		case strings.HasPrefix(p.s[p.pos:], "AR"):
			p.pos += 2
		case p.s[p.pos] == 'P':
			if kind == 'D' {
				ctrl |= ControlDACLProtected
			} else {
				ctrl |= ControlSACLProtected
			}
			p.pos++
		case p.pos+1 < len(p.s) && p.s[p.pos+1] == ':':
			return &ACL{}, ctrl, nil // next section, empty ACL
		default:
			return nil, 0, fmt.Errorf("indicateur d'ACL %q inconnu", p.s[p.pos:p.pos+1])
		}
	}
	acl := &ACL{}
	for p.pos < len(p.s) && p.s[p.pos] == '(' {
		end := strings.IndexByte(p.s[p.pos:], ')')
		if end < 0 {
			return nil, 0, fmt.Errorf("ACE non fermée")
		}
		a, err := p.ace(p.s[p.pos+1 : p.pos+end])
		if err != nil {
			return nil, 0, fmt.Errorf("ACE %s : %w", p.s[p.pos:p.pos+end+1], err)
		}
		acl.ACEs = append(acl.ACEs, a)
		p.pos += end + 1
	}
	return acl, ctrl, nil
}

func (p *sddlParser) ace(body string) (ACE, error) {
	var a ACE
	f := strings.Split(body, ";")
	if len(f) < 6 {
		return a, fmt.Errorf("%d champs au lieu de 6", len(f))
	}
	t, ok := sddlACETypes[strings.ToUpper(f[0])]
	if !ok {
		return a, fmt.Errorf("type %q inconnu", f[0])
	}
	a.Type = t
	for fl := strings.ToUpper(f[1]); fl != ""; {
		if len(fl) < 2 {
			return a, fmt.Errorf("indicateur %q inconnu", fl)
		}
		v, ok := sddlACEFlags[fl[:2]]
		if !ok {
			return a, fmt.Errorf("indicateur %q inconnu", fl[:2])
		}
		a.Flags |= v
		fl = fl[2:]
	}
	mask, err := sddlMask(f[2])
	if err != nil {
		return a, err
	}
	a.Mask = mask
	if f[3] != "" {
		g, err := ParseGUID(f[3])
		if err != nil {
			return a, err
		}
		a.ObjectType, a.HasObjectType = g, true
	}
	if f[4] != "" {
		g, err := ParseGUID(f[4])
		if err != nil {
			return a, err
		}
		a.InheritedObjectType, a.HasInheritedObjectType = g, true
	}
	if (a.HasObjectType || a.HasInheritedObjectType) && !isObjectType(a.Type) {
		return a, fmt.Errorf("GUID sur une ACE qui n'est pas de type objet")
	}
	a.SID, err = p.sid(f[5])
	return a, err
}

// sddlMask reads a rights field: hexadecimal, decimal or two-letter codes.
func sddlMask(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseUint(s[2:], 16, 32)
		if err != nil {
			return 0, fmt.Errorf("droits %q invalides", s)
		}
		return uint32(v), nil
	}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("droits %q invalides", s)
		}
		return uint32(v), nil
	}
	var m uint32
	u := strings.ToUpper(s)
	for len(u) > 0 {
		if len(u) < 2 {
			return 0, fmt.Errorf("droit %q inconnu", u)
		}
		v, ok := sddlRights[u[:2]]
		if !ok {
			return 0, fmt.Errorf("droit %q inconnu", u[:2])
		}
		m |= v
		u = u[2:]
	}
	return m, nil
}

func (p *sddlParser) sid(s string) (SID, error) {
	s = strings.TrimSpace(s)
	if v, ok := sddlWellKnown[strings.ToUpper(s)]; ok {
		return v, nil
	}
	if d, ok := sddlDomainRIDs[strings.ToUpper(s)]; ok {
		dom := p.doms.Domain
		if d.root {
			dom = p.doms.Root
		}
		if dom == "" {
			return "", fmt.Errorf("alias %s sans SID de domaine", s)
		}
		return dom.WithRID(d.rid), nil
	}
	if strings.HasPrefix(strings.ToUpper(s), "S-1-") {
		return ParseSID(s)
	}
	return "", fmt.Errorf("SID ou alias %q inconnu", s)
}
