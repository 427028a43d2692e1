package secdesc

import (
	"encoding/binary"
	"fmt"
)

// Marshal encodes a security descriptor in self-relative form. Tests and
// synthetic-forest generators use it to build descriptors; it is the exact
// inverse of Parse for the ACE types Parse understands.
func (sd *SecurityDescriptor) Marshal() ([]byte, error) {
	ctrl := sd.Control | ControlSelfRelative
	out := make([]byte, 20)
	out[0] = 1
	put := func(off int, v uint32) { binary.LittleEndian.PutUint32(out[off:], v) }
	if sd.Owner != "" {
		b, err := SIDBytes(string(sd.Owner))
		if err != nil {
			return nil, err
		}
		put(4, uint32(len(out)))
		out = append(out, b...)
	}
	if sd.Group != "" {
		b, err := SIDBytes(string(sd.Group))
		if err != nil {
			return nil, err
		}
		put(8, uint32(len(out)))
		out = append(out, b...)
	}
	if sd.SACL != nil {
		ctrl |= ControlSACLPresent
		b, err := sd.SACL.Marshal()
		if err != nil {
			return nil, err
		}
		put(12, uint32(len(out)))
		out = append(out, b...)
	}
	if sd.DACL != nil {
		ctrl |= ControlDACLPresent
		b, err := sd.DACL.Marshal()
		if err != nil {
			return nil, err
		}
		put(16, uint32(len(out)))
		out = append(out, b...)
	}
	binary.LittleEndian.PutUint16(out[2:], ctrl)
	return out, nil
}

// Marshal encodes an ACL.
func (acl *ACL) Marshal() ([]byte, error) {
	rev := acl.Revision
	if rev == 0 {
		rev = 2
		for _, a := range acl.ACEs {
			if isObjectType(a.Type) {
				rev = 4
			}
		}
	}
	out := make([]byte, 8)
	out[0] = rev
	for i := range acl.ACEs {
		b, err := acl.ACEs[i].Marshal()
		if err != nil {
			return nil, fmt.Errorf("ACE n°%d : %w", i+1, err)
		}
		out = append(out, b...)
	}
	if len(out) > 0xFFFF {
		return nil, fmt.Errorf("ACL trop grande (%d octets)", len(out))
	}
	binary.LittleEndian.PutUint16(out[2:], uint16(len(out)))
	binary.LittleEndian.PutUint16(out[4:], uint16(len(acl.ACEs)))
	return out, nil
}

// Marshal encodes an ACE.
func (a *ACE) Marshal() ([]byte, error) {
	sid, err := SIDBytes(string(a.SID))
	if err != nil {
		return nil, err
	}
	out := make([]byte, 8, 8+36+len(sid))
	out[0], out[1] = a.Type, a.Flags
	binary.LittleEndian.PutUint32(out[4:], a.Mask)
	if isObjectType(a.Type) {
		var of uint32
		if a.HasObjectType {
			of |= objectTypePresent
		}
		if a.HasInheritedObjectType {
			of |= inheritedObjectTypePresent
		}
		out = binary.LittleEndian.AppendUint32(out, of)
		if a.HasObjectType {
			out = append(out, a.ObjectType[:]...)
		}
		if a.HasInheritedObjectType {
			out = append(out, a.InheritedObjectType[:]...)
		}
	}
	out = append(out, sid...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	binary.LittleEndian.PutUint16(out[2:], uint16(len(out)))
	return out, nil
}
