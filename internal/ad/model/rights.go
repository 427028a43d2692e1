package model

import (
	"strings"

	"vigie/internal/ad/secdesc"
)

// Right is a set of control rights a principal holds over an object, as
// classified from the object's DACL and owner.
type Right uint32

// Control rights kept by the model. Read rights are never kept.
const (
	RGenericAll Right = 1 << iota
	RWriteDACL
	RWriteOwner
	ROwner
	RGenericWrite // GenericWrite or WriteProperty on every attribute
	RWriteMember
	RWriteSPN
	RWriteGPLink
	RWriteKeyCred
	RWriteRBCD
	RWriteScript // scriptPath, gPCFileSysPath, defaultSecurityDescriptor
	RWriteProp   // WriteProperty on some other attribute
	RForceChangePassword
	RAllExtended
	RGetChanges
	RGetChangesAll
	RCreateChild
	RDelete
	REnroll
	RAutoEnroll
)

// Exploitable are the rights that directly give control of the object
// (ANSSI grade 1 "directly exploitable").
const Exploitable = RGenericAll | RWriteDACL | RWriteOwner | ROwner | RGenericWrite | RWriteMember |
	RWriteSPN | RWriteGPLink | RWriteKeyCred | RWriteRBCD | RWriteScript | RForceChangePassword |
	RAllExtended | RGetChangesAll

// Dangerous are all rights ANSSI considers potentially dangerous (grade 2).
const Dangerous = Exploitable | RWriteProp | RGetChanges | RCreateChild | RDelete

// Write are the rights that modify the object (used by PKI and DNS checks).
const Write = RGenericAll | RWriteDACL | RWriteOwner | ROwner | RGenericWrite | RWriteMember |
	RWriteSPN | RWriteGPLink | RWriteKeyCred | RWriteRBCD | RWriteScript | RWriteProp

var rightNames = []string{"GenericAll", "WriteDacl", "WriteOwner", "Owner", "GenericWrite",
	"WriteMember", "WriteSPN", "WriteGPLink", "WriteKeyCredentialLink", "WriteRBCD", "WriteScript",
	"WriteProperty", "User-Force-Change-Password", "AllExtendedRights", "DS-Replication-Get-Changes",
	"DS-Replication-Get-Changes-All", "CreateChild", "Delete", "Certificate-Enrollment", "Autoenroll"}

// String lists the rights by their usual AD names, "|" separated.
func (r Right) String() string {
	var parts []string
	for i, n := range rightNames {
		if r&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// attrRight maps the GUID of an attribute, property set or validated write
// to the control right writing it gives.
type attrRight map[secdesc.GUID]Right

func defaultAttrRights() attrRight {
	return attrRight{
		secdesc.GUIDMember:                  RWriteMember,
		secdesc.GUIDMembershipPropertySet:   RWriteMember,
		secdesc.GUIDPublicInformation:       RWriteSPN | RWriteKeyCred,
		secdesc.GUIDServicePrincipalName:    RWriteSPN,
		secdesc.GUIDGPLink:                  RWriteGPLink,
		secdesc.GUIDKeyCredentialLink:       RWriteKeyCred,
		secdesc.GUIDAllowedToActOnBehalf:    RWriteRBCD,
		secdesc.GUIDScriptPath:              RWriteScript,
		secdesc.GUIDGPCFileSysPath:          RWriteScript,
		secdesc.GUIDDefaultSecurityDesc:     RWriteScript,
		secdesc.GUIDAltSecurityIdentities:   RWriteKeyCred,
		secdesc.GUIDUserAccountControl:      RWriteScript,
		secdesc.GUIDAllowedToDelegateTo:     RWriteRBCD,
		secdesc.GUIDSIDHistory:              RWriteScript,
		secdesc.GUIDPKINameFlag:             RWriteScript,
		secdesc.GUIDPKIExtendedKeyUsage:     RWriteScript,
		secdesc.GUIDPKIEnrollmentFlag:       RWriteScript,
		secdesc.GUIDPKIRASignature:          RWriteScript,
		secdesc.GUIDPKICertificateAppPolicy: RWriteScript,
		secdesc.GUIDCACertificate:           RWriteScript,
		secdesc.GUIDCertificateTemplates:    RWriteScript,
	}
}

// classify turns one allow ACE into control rights (0 for read-only ACEs).
func classify(a *secdesc.ACE, attrs attrRight) Right {
	m := a.Mask
	var r Right
	if m&secdesc.RightGenericAll != 0 || m&secdesc.RightFullControl == secdesc.RightFullControl {
		return RGenericAll
	}
	if m&secdesc.RightWriteDACL != 0 {
		r |= RWriteDACL
	}
	if m&secdesc.RightWriteOwner != 0 {
		r |= RWriteOwner
	}
	if m&secdesc.RightGenericWrite != 0 {
		r |= RGenericWrite
	}
	if m&(secdesc.RightDelete|secdesc.RightDeleteTree) != 0 {
		r |= RDelete
	}
	if m&secdesc.RightCreateChild != 0 {
		r |= RCreateChild
	}
	if m&secdesc.RightWriteProperty != 0 {
		if !a.HasObjectType {
			r |= RGenericWrite
		} else if ar, ok := attrs[a.ObjectType]; ok {
			r |= ar
		} else {
			r |= RWriteProp
		}
	}
	if m&secdesc.RightSelf != 0 {
		switch {
		case !a.HasObjectType:
			r |= RWriteMember | RWriteSPN
		case a.ObjectType == secdesc.GUIDMember:
			r |= RWriteMember
		case a.ObjectType == secdesc.GUIDServicePrincipalName:
			r |= RWriteSPN
		}
	}
	if m&secdesc.RightControlAccess != 0 {
		switch {
		case !a.HasObjectType:
			r |= RAllExtended
		case a.ObjectType == secdesc.GUIDUserForceChangePassword:
			r |= RForceChangePassword
		case a.ObjectType == secdesc.GUIDGetChanges:
			r |= RGetChanges
		case a.ObjectType == secdesc.GUIDGetChangesAll:
			r |= RGetChangesAll
		case a.ObjectType == secdesc.GUIDCertificateEnrollment:
			r |= REnroll
		case a.ObjectType == secdesc.GUIDCertificateAutoEnroll:
			r |= RAutoEnroll
		}
	}
	return r
}
