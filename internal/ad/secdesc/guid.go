package secdesc

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a 16-byte GUID in the binary layout Windows uses (first three
// fields little-endian, last eight bytes as-is).
type GUID [16]byte

// IsZero reports whether the GUID is all zeros.
func (g GUID) IsZero() bool { return g == GUID{} }

// String formats the GUID the way AD tools print it:
// "bf967aba-0de6-11d0-a285-00aa003049e2".
func (g GUID) String() string {
	var b [36]byte
	put := func(dst []byte, v []byte) { hex.Encode(dst, v) }
	var d [4]byte
	binary.BigEndian.PutUint32(d[:], binary.LittleEndian.Uint32(g[0:4]))
	put(b[0:8], d[:])
	b[8] = '-'
	var w [2]byte
	binary.BigEndian.PutUint16(w[:], binary.LittleEndian.Uint16(g[4:6]))
	put(b[9:13], w[:])
	b[13] = '-'
	binary.BigEndian.PutUint16(w[:], binary.LittleEndian.Uint16(g[6:8]))
	put(b[14:18], w[:])
	b[18] = '-'
	put(b[19:23], g[8:10])
	b[23] = '-'
	put(b[24:36], g[10:16])
	return string(b[:])
}

// ParseGUID reads a GUID in its textual form, with or without braces.
func ParseGUID(s string) (GUID, error) {
	var g GUID
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "{"), "}")
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return g, fmt.Errorf("GUID %q invalide : forme attendue xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s)
	}
	raw, err := hex.DecodeString(t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:36])
	if err != nil {
		return g, fmt.Errorf("GUID %q invalide : %v", s, err)
	}
	binary.LittleEndian.PutUint32(g[0:4], binary.BigEndian.Uint32(raw[0:4]))
	binary.LittleEndian.PutUint16(g[4:6], binary.BigEndian.Uint16(raw[4:6]))
	binary.LittleEndian.PutUint16(g[6:8], binary.BigEndian.Uint16(raw[6:8]))
	copy(g[8:], raw[8:])
	return g, nil
}

// MustGUID parses a GUID literal known to be valid (package constants).
// It returns the zero GUID on a malformed literal rather than panicking.
func MustGUID(s string) GUID {
	g, _ := ParseGUID(s)
	return g
}

// GUIDFromBytes reads a binary GUID (e.g. objectGUID, schemaIDGUID).
func GUIDFromBytes(b []byte) (GUID, error) {
	var g GUID
	if len(b) != 16 {
		return g, fmt.Errorf("GUID binaire : %d octets (16 attendus)", len(b))
	}
	copy(g[:], b)
	return g, nil
}
