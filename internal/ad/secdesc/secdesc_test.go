package secdesc

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestSIDKnownVector(t *testing.T) {
	// S-1-5-32-544 (BUILTIN\Administrators) as AD stores it.
	raw, _ := hex.DecodeString("01020000000000052000000020020000")
	s, err := SIDFromBytes(raw)
	if err != nil || s != "S-1-5-32-544" {
		t.Fatalf("got %q, %v", s, err)
	}
	b, err := SIDBytes("S-1-5-32-544")
	if err != nil || !bytes.Equal(b, raw) {
		t.Fatalf("encode: %x, %v", b, err)
	}
	rid, ok := SID("S-1-5-21-1-2-3-512").RID()
	if !ok || rid != 512 {
		t.Fatalf("RID: %d %v", rid, ok)
	}
	if d := SID("S-1-5-21-1-2-3-512").Domain(); d != "S-1-5-21-1-2-3" {
		t.Fatalf("Domain: %q", d)
	}
	if SID("S-1-5-21-1-2-3").WithRID(500) != "S-1-5-21-1-2-3-500" {
		t.Fatal("WithRID")
	}
}

func TestSIDErrors(t *testing.T) {
	for _, s := range []string{"", "S-2-5", "X-1-5-32", "S-1-abc-1", "S-1-5-99999999999", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"} {
		if _, err := ParseSID(s); err == nil {
			t.Errorf("ParseSID(%q): no error", s)
		}
	}
	for _, h := range []string{"", "0102", "02010000000000050000", "010500000000000520000000"} {
		b, _ := hex.DecodeString(h)
		if _, err := SIDFromBytes(b); err == nil {
			t.Errorf("SIDFromBytes(%s): no error", h)
		}
	}
}

func TestGUIDMixedEndian(t *testing.T) {
	// schemaIDGUID of the user class as it appears on the wire.
	raw, _ := hex.DecodeString("ba7a96bfe60dd011a28500aa003049e2")
	g, err := GUIDFromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != "bf967aba-0de6-11d0-a285-00aa003049e2" {
		t.Fatalf("got %s", g)
	}
	p, err := ParseGUID("{BF967ABA-0DE6-11D0-A285-00AA003049E2}")
	if err != nil || p != g {
		t.Fatalf("parse: %s %v", p, err)
	}
	if _, err := ParseGUID("bf967aba0de611d0a28500aa003049e2"); err == nil {
		t.Fatal("GUID without dashes accepted")
	}
	if _, err := ParseGUID("zf967aba-0de6-11d0-a285-00aa003049e2"); err == nil {
		t.Fatal("non-hex GUID accepted")
	}
}

func sampleSD() *SecurityDescriptor {
	return &SecurityDescriptor{
		Control: ControlDACLProtected,
		Owner:   "S-1-5-21-1-2-3-512",
		Group:   "S-1-5-21-1-2-3-513",
		DACL: &ACL{ACEs: []ACE{
			{Type: AceAccessAllowed, Mask: RightFullControl, SID: "S-1-5-18"},
			{Type: AceAccessAllowedObject, Flags: FlagContainerInherit | FlagInherited, Mask: RightWriteProperty,
				SID: "S-1-5-11", HasObjectType: true, ObjectType: GUIDMember,
				HasInheritedObjectType: true, InheritedObjectType: MustGUID("bf967a9c-0de6-11d0-a285-00aa003049e2")},
			{Type: AceAccessDeniedObject, Mask: RightControlAccess, SID: "S-1-1-0", HasObjectType: true, ObjectType: GUIDUserForceChangePassword},
			{Type: AceAccessAllowedObject, Mask: RightControlAccess, SID: "S-1-5-21-1-2-3-1105", HasInheritedObjectType: true, InheritedObjectType: GUIDGetChanges},
		}},
		SACL: &ACL{ACEs: []ACE{{Type: AceSystemAudit, Flags: FlagSuccessfulAccess, Mask: RightWriteProperty, SID: "S-1-1-0"}}},
	}
}

func TestSDRoundTrip(t *testing.T) {
	in := sampleSD()
	b, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Owner != in.Owner || out.Group != in.Group || !out.Protected() {
		t.Fatalf("header: %+v", out)
	}
	if len(out.DACL.ACEs) != 4 || len(out.SACL.ACEs) != 1 || out.DACL.Revision != 4 {
		t.Fatalf("ACLs: %+v", out)
	}
	for i, a := range out.DACL.ACEs {
		if a != in.DACL.ACEs[i] {
			t.Errorf("ACE %d: got %+v want %+v", i, a, in.DACL.ACEs[i])
		}
	}
	a := out.DACL.ACEs[1]
	if !a.IsAllow() || a.IsDeny() || !a.Inherited() || a.InheritOnly() {
		t.Errorf("flags of ACE 2 misread: %+v", a)
	}
	if !out.DACL.ACEs[2].IsDeny() {
		t.Error("deny object ACE not seen as deny")
	}
}

func TestSDBadInputs(t *testing.T) {
	good, _ := sampleSD().Marshal()
	cases := map[string][]byte{
		"vide":         nil,
		"court":        good[:10],
		"révision":     append([]byte{2}, good[1:]...),
		"tronqué":      good[:len(good)-6],
		"absolu":       func() []byte { b := bytes.Clone(good); b[3] &^= 0x80; return b }(),
		"offset owner": func() []byte { b := bytes.Clone(good); b[4] = 0xff; b[5] = 0xff; return b }(),
		"ace count":    func() []byte { b := bytes.Clone(good); off := int(b[16]) | int(b[17])<<8; b[off+4] = 0xff; return b }(),
		"ace type":     func() []byte { b := bytes.Clone(good); off := int(b[16]) | int(b[17])<<8; b[off+8] = 0x7f; return b }(),
		"ace size zero": func() []byte {
			b := bytes.Clone(good)
			off := int(b[16]) | int(b[17])<<8
			b[off+10] = 0
			b[off+11] = 0
			return b
		}(),
	}
	for name, b := range cases {
		_, err := Parse(b)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "runtime") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParserCacheMatchesParse(t *testing.T) {
	var p Parser
	b, _ := sampleSD().Marshal()
	for i := 0; i < 3; i++ {
		got, err := p.Parse(b)
		want, _ := Parse(b)
		if err != nil || got.Owner != want.Owner || len(got.DACL.ACEs) != len(want.DACL.ACEs) {
			t.Fatalf("cached parse differs: %v", err)
		}
		for j := range got.DACL.ACEs {
			if got.DACL.ACEs[j] != want.DACL.ACEs[j] {
				t.Fatalf("ACE %d differs", j)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := sampleSD().Marshal()
	f.Add(good)
	f.Add([]byte{1, 0, 4, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 2, 0, 8, 0, 0, 0, 0, 0})
	var cached Parser
	f.Fuzz(func(t *testing.T, b []byte) {
		sd, err := Parse(b)
		sd2c, err2 := cached.Parse(b)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("cached parser disagrees: %v vs %v", err, err2)
		}
		if err != nil {
			return
		}
		if sd2c.Owner != sd.Owner {
			t.Fatalf("cached owner %q vs %q", sd2c.Owner, sd.Owner)
		}
		// Anything accepted must re-encode and parse to the same ACEs.
		out, err := sd.Marshal()
		if err != nil {
			return // e.g. compound ACEs carry no SID
		}
		sd2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of accepted descriptor failed: %v", err)
		}
		if sd2.Owner != sd.Owner || sd2.Group != sd.Group {
			t.Fatalf("owner/group changed: %q/%q vs %q/%q", sd.Owner, sd.Group, sd2.Owner, sd2.Group)
		}
	})
}
