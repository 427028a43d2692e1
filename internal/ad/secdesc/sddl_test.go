package secdesc

import (
	"strings"
	"testing"
)

// adminSDHolder2016 is the default descriptor of AdminSDHolder on Windows
// Server 2016 and later (public, observed on real domains).
const adminSDHolder2016 = "O:DAG:DAD:PAI(A;;LCRPLORC;;;AU)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)" +
	"(A;;CCDCLCSWRPWPLOCRSDRCWDWO;;;BA)(A;;CCDCLCSWRPWPLOCRRCWDWO;;;DA)(A;;CCDCLCSWRPWPLOCRRCWDWO;;;EA)" +
	"(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)(OA;CI;RPWPCR;91e647de-d96f-4b70-9557-d63ff4f3ccd8;;PS)" +
	"(OA;;RP;037088f8-0ae1-11d2-b422-00a0c968f939;4828cc14-1437-45bc-9b07-ad6f015e5f28;RU)" +
	"(OA;;RPWP;bf967a7f-0de6-11d0-a285-00aa003049e2;;CA)"

func TestParseSDDL(t *testing.T) {
	doms := SDDLDomains{Domain: "S-1-5-21-1-2-3", Root: "S-1-5-21-7-8-9"}
	sd, err := ParseSDDL(adminSDHolder2016, doms)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Owner != "S-1-5-21-1-2-3-512" || sd.Group != "S-1-5-21-1-2-3-512" {
		t.Errorf("owner %s group %s", sd.Owner, sd.Group)
	}
	if !sd.Protected() || sd.Control&ControlDACLAutoInherited == 0 || sd.DACL == nil || len(sd.DACL.ACEs) != 9 {
		t.Fatalf("control %#x, %d ACEs", sd.Control, len(sd.DACL.ACEs))
	}
	ea := sd.DACL.ACEs[4]
	if ea.SID != "S-1-5-21-7-8-9-519" || ea.Mask&RightWriteDACL == 0 || ea.Mask&RightDeleteTree != 0 {
		t.Errorf("EA ACE %+v", ea)
	}
	ps := sd.DACL.ACEs[6]
	if ps.Type != AceAccessAllowedObject || ps.Flags != FlagContainerInherit || ps.SID != "S-1-5-10" ||
		ps.ObjectType != MustGUID("91e647de-d96f-4b70-9557-d63ff4f3ccd8") || ps.HasInheritedObjectType {
		t.Errorf("SELF ACE %+v", ps)
	}
	ru := sd.DACL.ACEs[7]
	if !ru.HasInheritedObjectType || ru.SID != "S-1-5-32-554" || ru.Mask != RightReadProperty {
		t.Errorf("RU ACE %+v", ru)
	}
	// Marshal and parse back: the binary form carries the same ACEs.
	b, err := sd.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil || len(back.DACL.ACEs) != 9 || back.DACL.ACEs[8].SID != "S-1-5-21-1-2-3-517" {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	if sd, err := ParseSDDL("D:(A;;0x000F01FF;;;S-1-5-21-4-5-6-1105)S:", doms); err != nil ||
		sd.DACL.ACEs[0].Mask != RightFullControl || sd.SACL == nil || sd.Owner != "" {
		t.Errorf("hex mask, explicit SID: %v %+v", err, sd)
	}
	if sd, err := ParseSDDL("D:NO_ACCESS_CONTROL", doms); err != nil || sd.DACL != nil {
		t.Errorf("null DACL: %v %+v", err, sd)
	}
}

func TestParseSDDLErrors(t *testing.T) {
	doms := SDDLDomains{Domain: "S-1-5-21-1-2-3"}
	for _, bad := range []string{
		"X:BA", "O:ZZ", "D:(A;;RP;;;AU", "D:(A;;QQ;;;AU)", "D:(Q;;RP;;;AU)", "D:(A;XX;RP;;;AU)",
		"D:(A;;RP;not-a-guid;;AU)", "D:(A;;RP;;AU)", "O:BAO:BA", "D:(A;;RP;bf967a7f-0de6-11d0-a285-00aa003049e2;;AU)",
	} {
		if _, err := ParseSDDL(bad, doms); err == nil || !strings.HasPrefix(err.Error(), "SDDL") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
	if _, err := ParseSDDL("O:DA", SDDLDomains{}); err == nil {
		t.Error("DA accepted without domain SID")
	}
}

func FuzzParseSDDL(f *testing.F) {
	f.Add(adminSDHolder2016)
	f.Add("D:AI(A;CI;RPWPCRCCDCLCLORCWOWDSDDTSW;;;EA)S:AI(OU;CISA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;;WD)")
	f.Fuzz(func(t *testing.T, s string) {
		sd, err := ParseSDDL(s, SDDLDomains{Domain: "S-1-5-21-1-2-3"})
		if err != nil {
			return
		}
		if _, err := sd.Marshal(); err != nil {
			t.Fatalf("parsed %q but cannot marshal: %v", s, err)
		}
	})
}
