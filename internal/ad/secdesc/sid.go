// Package secdesc parses the binary structures of MS-DTYP that Active
// Directory stores: security identifiers (SIDs), GUIDs in AD's mixed-endian
// layout, and self-relative security descriptors with their ACLs and ACEs.
// Every parser is bounded by its input and returns an error, never panics,
// on hostile bytes.
package secdesc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxSubAuthorities is the MS-DTYP limit on SID sub-authorities.
const maxSubAuthorities = 15

// SID is a security identifier kept in its canonical string form
// ("S-1-5-21-…"), which is comparable and usable as a map key.
type SID string

// ParseSIDBytes decodes a binary SID (MS-DTYP 2.4.2.2) and returns it with
// the number of bytes it used.
func ParseSIDBytes(b []byte) (SID, int, error) {
	if len(b) < 8 {
		return "", 0, fmt.Errorf("SID binaire trop court (%d octets, 8 au moins)", len(b))
	}
	if b[0] != 1 {
		return "", 0, fmt.Errorf("SID binaire : révision %d inconnue (attendu 1)", b[0])
	}
	n := int(b[1])
	if n > maxSubAuthorities {
		return "", 0, fmt.Errorf("SID binaire : %d sous-autorités (15 au plus)", n)
	}
	size := 8 + 4*n
	if len(b) < size {
		return "", 0, fmt.Errorf("SID binaire tronqué : %d octets pour %d sous-autorités", len(b), n)
	}
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	// "S-1-0x" + 12 hex digits + 15 × "-4294967295" fit in 200 bytes: one
	// allocation, for the string.
	var arr [200]byte
	buf := append(arr[:0], "S-1-"...)
	if auth >= 1<<32 {
		buf = fmt.Appendf(buf, "0x%012X", auth)
	} else {
		buf = strconv.AppendUint(buf, auth, 10)
	}
	for i := 0; i < n; i++ {
		buf = append(buf, '-')
		buf = strconv.AppendUint(buf, uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10)
	}
	return SID(buf), size, nil
}

// SIDFromBytes decodes a binary SID that must use all of b.
func SIDFromBytes(b []byte) (SID, error) {
	s, n, err := ParseSIDBytes(b)
	if err != nil {
		return "", err
	}
	if n != len(b) {
		return "", fmt.Errorf("SID binaire : %d octets en trop", len(b)-n)
	}
	return s, nil
}

// ParseSID validates a SID in string form and returns it canonicalised.
func ParseSID(s string) (SID, error) {
	b, err := SIDBytes(s)
	if err != nil {
		return "", err
	}
	return SIDFromBytes(b)
}

// SIDBytes encodes a SID string ("S-1-5-32-544") in binary form.
func SIDBytes(s string) ([]byte, error) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") || parts[1] != "1" {
		return nil, fmt.Errorf("SID %q invalide : forme attendue S-1-autorité-…", s)
	}
	subs := parts[3:]
	if len(subs) > maxSubAuthorities {
		return nil, fmt.Errorf("SID %q invalide : %d sous-autorités (15 au plus)", s, len(subs))
	}
	var auth uint64
	var err error
	if strings.HasPrefix(parts[2], "0x") || strings.HasPrefix(parts[2], "0X") {
		auth, err = strconv.ParseUint(parts[2][2:], 16, 48)
	} else {
		auth, err = strconv.ParseUint(parts[2], 10, 48)
	}
	if err != nil {
		return nil, fmt.Errorf("SID %q invalide : autorité %q", s, parts[2])
	}
	b := make([]byte, 8+4*len(subs))
	b[0], b[1] = 1, byte(len(subs))
	for i := 0; i < 6; i++ {
		b[7-i] = byte(auth >> (8 * i))
	}
	for i, p := range subs {
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("SID %q invalide : sous-autorité %q", s, p)
		}
		binary.LittleEndian.PutUint32(b[8+4*i:], uint32(v))
	}
	return b, nil
}

// RID returns the last sub-authority of a SID, and false when the SID has
// no sub-authority beyond its authority or is malformed.
func (s SID) RID() (uint32, bool) {
	str := string(s)
	i := strings.LastIndexByte(str, '-')
	if i < 0 || strings.Count(str, "-") < 3 {
		return 0, false
	}
	v, err := strconv.ParseUint(str[i+1:], 10, 32)
	return uint32(v), err == nil
}

// Domain returns the SID without its RID ("S-1-5-21-a-b-c" for
// "S-1-5-21-a-b-c-512"), or "" when s is not a domain account SID.
func (s SID) Domain() SID {
	str := string(s)
	if !strings.HasPrefix(str, "S-1-5-21-") {
		return ""
	}
	i := strings.LastIndexByte(str, '-')
	return SID(str[:i])
}

// WithRID returns the SID of the account with the given RID in domain s.
func (s SID) WithRID(rid uint32) SID {
	return SID(string(s) + "-" + strconv.FormatUint(uint64(rid), 10))
}

// errShort is returned for truncated structures.
var errShort = errors.New("données tronquées")
