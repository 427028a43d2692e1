package secdesc

import (
	"encoding/binary"
	"fmt"
)

// ACE types (MS-DTYP 2.4.4.1).
const (
	AceAccessAllowed               byte = 0x00
	AceAccessDenied                byte = 0x01
	AceSystemAudit                 byte = 0x02
	AceSystemAlarm                 byte = 0x03
	AceAccessAllowedCompound       byte = 0x04
	AceAccessAllowedObject         byte = 0x05
	AceAccessDeniedObject          byte = 0x06
	AceSystemAuditObject           byte = 0x07
	AceSystemAlarmObject           byte = 0x08
	AceAccessAllowedCallback       byte = 0x09
	AceAccessDeniedCallback        byte = 0x0A
	AceAccessAllowedCallbackObject byte = 0x0B
	AceAccessDeniedCallbackObject  byte = 0x0C
	AceSystemAuditCallback         byte = 0x0D
	AceSystemAlarmCallback         byte = 0x0E
	AceSystemAuditCallbackObject   byte = 0x0F
	AceSystemAlarmCallbackObject   byte = 0x10
	AceSystemMandatoryLabel        byte = 0x11
	AceSystemResourceAttribute     byte = 0x12
	AceSystemScopedPolicyID        byte = 0x13
)

// ACE flags (inheritance and audit).
const (
	FlagObjectInherit      byte = 0x01
	FlagContainerInherit   byte = 0x02
	FlagNoPropagateInherit byte = 0x04
	FlagInheritOnly        byte = 0x08
	FlagInherited          byte = 0x10
	FlagSuccessfulAccess   byte = 0x40
	FlagFailedAccess       byte = 0x80
)

// Object ACE flags telling which GUIDs follow the mask.
const (
	objectTypePresent          uint32 = 0x1
	inheritedObjectTypePresent uint32 = 0x2
)

// ACE is one access control entry. ObjectType and InheritedObjectType are
// set only for object ACEs whose flags say so (HasObjectType,
// HasInheritedObjectType).
type ACE struct {
	Type                   byte
	Flags                  byte
	Mask                   uint32
	SID                    SID
	HasObjectType          bool
	ObjectType             GUID
	HasInheritedObjectType bool
	InheritedObjectType    GUID
}

// IsAllow reports whether the ACE grants access (plain, object or callback).
func (a *ACE) IsAllow() bool {
	switch a.Type {
	case AceAccessAllowed, AceAccessAllowedObject, AceAccessAllowedCallback, AceAccessAllowedCallbackObject:
		return true
	}
	return false
}

// IsDeny reports whether the ACE denies access.
func (a *ACE) IsDeny() bool {
	switch a.Type {
	case AceAccessDenied, AceAccessDeniedObject, AceAccessDeniedCallback, AceAccessDeniedCallbackObject:
		return true
	}
	return false
}

// InheritOnly reports whether the ACE only propagates to children and does
// not apply to the object that carries it.
func (a *ACE) InheritOnly() bool { return a.Flags&FlagInheritOnly != 0 }

// Inherited reports whether the ACE was inherited from a parent.
func (a *ACE) Inherited() bool { return a.Flags&FlagInherited != 0 }

func isObjectType(t byte) bool {
	switch t {
	case AceAccessAllowedObject, AceAccessDeniedObject, AceSystemAuditObject, AceSystemAlarmObject,
		AceAccessAllowedCallbackObject, AceAccessDeniedCallbackObject, AceSystemAuditCallbackObject,
		AceSystemAlarmCallbackObject:
		return true
	}
	return false
}

// parseACE decodes one ACE at the start of b and returns its size.
func (parser *Parser) parseACE(b []byte) (ACE, int, error) {
	var a ACE
	if len(b) < 4 {
		return a, 0, fmt.Errorf("en-tête : %w", errShort)
	}
	a.Type, a.Flags = b[0], b[1]
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	if size < 8 || size > len(b) {
		return a, 0, fmt.Errorf("taille déclarée %d, %d octets disponibles", size, len(b))
	}
	if size%4 != 0 {
		return a, 0, fmt.Errorf("taille %d non multiple de 4", size)
	}
	body := b[4:size]
	a.Mask = binary.LittleEndian.Uint32(body[0:4])
	p := 4
	switch {
	case a.Type > AceSystemScopedPolicyID:
		return a, 0, fmt.Errorf("type d'ACE 0x%02x inconnu", a.Type)
	case a.Type == AceAccessAllowedCompound:
		// Reserved compound ACE: keep the header, no SID.
		return a, size, nil
	case isObjectType(a.Type):
		if len(body) < p+4 {
			return a, 0, fmt.Errorf("ACE objet : %w", errShort)
		}
		of := binary.LittleEndian.Uint32(body[p:])
		p += 4
		if of&objectTypePresent != 0 {
			if len(body) < p+16 {
				return a, 0, fmt.Errorf("ACE objet, ObjectType : %w", errShort)
			}
			copy(a.ObjectType[:], body[p:p+16])
			a.HasObjectType = true
			p += 16
		}
		if of&inheritedObjectTypePresent != 0 {
			if len(body) < p+16 {
				return a, 0, fmt.Errorf("ACE objet, InheritedObjectType : %w", errShort)
			}
			copy(a.InheritedObjectType[:], body[p:p+16])
			a.HasInheritedObjectType = true
			p += 16
		}
	}
	sid, _, err := parser.sid(body[p:])
	if err != nil {
		return a, 0, fmt.Errorf("SID du bénéficiaire : %w", err)
	}
	a.SID = sid
	return a, size, nil
}
