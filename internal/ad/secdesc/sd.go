package secdesc

import (
	"encoding/binary"
	"fmt"
)

// Control flags of a security descriptor (MS-DTYP 2.4.6).
const (
	ControlOwnerDefaulted    uint16 = 0x0001
	ControlDACLPresent       uint16 = 0x0004
	ControlSACLPresent       uint16 = 0x0010
	ControlDACLAutoInherited uint16 = 0x0400
	ControlDACLProtected     uint16 = 0x1000
	ControlSACLProtected     uint16 = 0x2000
	ControlSelfRelative      uint16 = 0x8000
)

// SecurityDescriptor is a parsed self-relative security descriptor.
// Owner and Group are empty when absent; DACL and SACL are nil when absent
// (a nil DACL grants everyone full access, an empty one grants nothing).
type SecurityDescriptor struct {
	Control uint16
	Owner   SID
	Group   SID
	DACL    *ACL
	SACL    *ACL
}

// Protected reports whether the DACL blocks inheritance (SE_DACL_PROTECTED),
// the state AdminSDHolder gives to privileged objects.
func (sd *SecurityDescriptor) Protected() bool { return sd.Control&ControlDACLProtected != 0 }

// ACL is an access control list.
type ACL struct {
	Revision byte
	ACEs     []ACE
}

// Parse decodes a self-relative security descriptor as stored in
// nTSecurityDescriptor. It checks every offset and length against the input.
func Parse(b []byte) (*SecurityDescriptor, error) { return (*Parser)(nil).Parse(b) }

// Parser parses many descriptors, reusing the string form of SIDs it has
// already seen (a directory repeats a few hundred trustees millions of
// times). The zero value is ready; a nil *Parser caches nothing. A Parser
// is not safe for concurrent use.
type Parser struct {
	sids map[string]SID
	// bufs back the ACE slices of the SACL and DACL of the last descriptor.
	bufs [2][]ACE
	nbuf int
}

// sid decodes the SID at the start of b through the cache.
func (p *Parser) sid(b []byte) (SID, int, error) {
	if p == nil || len(b) < 8 || b[1] > maxSubAuthorities || len(b) < 8+4*int(b[1]) {
		return ParseSIDBytes(b)
	}
	raw := b[:8+4*int(b[1])]
	if s, ok := p.sids[string(raw)]; ok {
		return s, len(raw), nil
	}
	s, n, err := ParseSIDBytes(raw)
	if err == nil {
		if p.sids == nil {
			p.sids = map[string]SID{}
		}
		p.sids[string(raw)] = s
	}
	return s, n, err
}

// Parse decodes a self-relative security descriptor (see the Parse
// function). To spare allocations, the ACE slices of the result are reused
// by the next call: copy what must outlive it.
func (p *Parser) Parse(b []byte) (*SecurityDescriptor, error) {
	if p != nil {
		p.nbuf = 0
	}
	if len(b) < 20 {
		return nil, fmt.Errorf("descripteur de sécurité trop court (%d octets, 20 au moins)", len(b))
	}
	if b[0] != 1 {
		return nil, fmt.Errorf("descripteur de sécurité : révision %d inconnue (attendu 1)", b[0])
	}
	sd := &SecurityDescriptor{Control: binary.LittleEndian.Uint16(b[2:4])}
	if sd.Control&ControlSelfRelative == 0 {
		return nil, fmt.Errorf("descripteur de sécurité : format absolu non pris en charge (attendu auto-relatif)")
	}
	offOwner := binary.LittleEndian.Uint32(b[4:8])
	offGroup := binary.LittleEndian.Uint32(b[8:12])
	offSACL := binary.LittleEndian.Uint32(b[12:16])
	offDACL := binary.LittleEndian.Uint32(b[16:20])
	var err error
	if sd.Owner, err = p.sidAt(b, offOwner); err != nil {
		return nil, fmt.Errorf("descripteur de sécurité, propriétaire : %w", err)
	}
	if sd.Group, err = p.sidAt(b, offGroup); err != nil {
		return nil, fmt.Errorf("descripteur de sécurité, groupe : %w", err)
	}
	if offSACL != 0 && sd.Control&ControlSACLPresent != 0 {
		if sd.SACL, err = p.aclAt(b, offSACL); err != nil {
			return nil, fmt.Errorf("descripteur de sécurité, SACL : %w", err)
		}
	}
	if offDACL != 0 && sd.Control&ControlDACLPresent != 0 {
		if sd.DACL, err = p.aclAt(b, offDACL); err != nil {
			return nil, fmt.Errorf("descripteur de sécurité, DACL : %w", err)
		}
	}
	return sd, nil
}

func (p *Parser) sidAt(b []byte, off uint32) (SID, error) {
	if off == 0 {
		return "", nil
	}
	if off < 20 || uint64(off) >= uint64(len(b)) {
		return "", fmt.Errorf("décalage %d hors du descripteur (%d octets)", off, len(b))
	}
	s, _, err := p.sid(b[off:])
	return s, err
}

func (p *Parser) aclAt(b []byte, off uint32) (*ACL, error) {
	if off < 20 || uint64(off)+8 > uint64(len(b)) {
		return nil, fmt.Errorf("décalage %d hors du descripteur (%d octets)", off, len(b))
	}
	return p.parseACL(b[off:])
}

// ParseACL decodes an ACL (header and ACEs) at the start of b; trailing
// bytes beyond the ACL's declared size are ignored.
func ParseACL(b []byte) (*ACL, error) { return (*Parser)(nil).parseACL(b) }

func (parser *Parser) parseACL(b []byte) (*ACL, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("ACL : %w (%d octets)", errShort, len(b))
	}
	rev := b[0]
	if rev != 2 && rev != 4 {
		return nil, fmt.Errorf("ACL : révision %d inconnue (2 ou 4 attendu)", rev)
	}
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	count := int(binary.LittleEndian.Uint16(b[4:6]))
	if size < 8 || size > len(b) {
		return nil, fmt.Errorf("ACL : taille déclarée %d, %d octets disponibles", size, len(b))
	}
	// Each ACE takes at least 8 bytes: bound the allocation by the data.
	if count > (size-8)/8 {
		return nil, fmt.Errorf("ACL : %d ACE annoncées dans %d octets", count, size)
	}
	acl := &ACL{Revision: rev}
	if parser != nil && parser.nbuf < len(parser.bufs) {
		acl.ACEs = parser.bufs[parser.nbuf][:0]
		defer func(i int) { parser.bufs[i] = acl.ACEs[:0] }(parser.nbuf)
		parser.nbuf++
	} else {
		acl.ACEs = make([]ACE, 0, count)
	}
	pos := 8
	for i := 0; i < count; i++ {
		ace, n, err := parser.parseACE(b[pos:size])
		if err != nil {
			return nil, fmt.Errorf("ACE n°%d : %w", i+1, err)
		}
		acl.ACEs = append(acl.ACEs, ace)
		pos += n
	}
	return acl, nil
}
