package oradad

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/snapshot"
)

func readSnap(t *testing.T, path string) (snapshot.Header, map[string]*snapshot.Object, []snapshot.Gap) {
	t.Helper()
	r, c, err := snapshot.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	objs := map[string]*snapshot.Object{}
	var gaps []snapshot.Gap
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header, objs, gaps
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			objs[o.DN] = o
		} else {
			gaps = append(gaps, *g)
		}
	}
}

// sidBytes builds a binary SID independently of sidToBinary.
func sidBytes(auth byte, subs ...uint32) []byte {
	b := []byte{1, byte(len(subs)), 0, 0, 0, 0, 0, auth}
	for _, s := range subs {
		b = binary.LittleEndian.AppendUint32(b, s)
	}
	return b
}

func TestConvertLabDump(t *testing.T) {
	root := t.TempDir()
	writeDump(t, root, "lab.test", "20261129-101500", labDump(), [][]string{{"oradad_version", "3.6.218"}, {"forest|rootdns", "lab.test"}})
	out := filepath.Join(t.TempDir(), "s.gz")
	sum, err := Convert(context.Background(), root, out) // the output root: newest extraction is found
	if err != nil {
		t.Fatal(err)
	}
	if sum.Version != "3.6.218" || sum.Forest != "lab.test" || sum.Tables != 6 {
		t.Errorf("summary = %+v", sum)
	}
	h, objs, gaps := readSnap(t, out)
	if h.Source != "oradad" || h.Forest != "lab.test" || h.Server != "DC1.lab.test" || h.ToolVersion != "3.6.218" {
		t.Errorf("header = %+v", h)
	}
	if !h.CollectedAt.Equal(time.Date(2026, 11, 29, 10, 15, 0, 0, time.UTC)) {
		t.Errorf("collected at %v", h.CollectedAt)
	}
	kinds := map[string]string{}
	for _, nc := range h.NamingContexts {
		kinds[nc.Kind] = nc.DN
	}
	if kinds["domain"] != "DC=lab,DC=test" || kinds["configuration"] != "CN=Configuration,DC=lab,DC=test" || kinds["schema"] != "CN=Schema,CN=Configuration,DC=lab,DC=test" {
		t.Errorf("naming contexts = %+v", h.NamingContexts)
	}
	if len(gaps) != 0 {
		t.Errorf("gaps = %+v", gaps)
	}
	u := objs["CN=svc_sql,CN=Users,DC=lab,DC=test"]
	if u == nil {
		t.Fatal("user missing")
	}
	if !bytes.Equal(u.Binary("objectSid"), sidBytes(5, 21, 1004336348, 1177238915, 682003330, 1105)) {
		t.Errorf("objectSid = %x", u.Binary("objectSid"))
	}
	if h := u.BinaryAll("sIDHistory"); len(h) != 2 || !bytes.Equal(h[1], sidBytes(5, 21, 1, 2, 3, 512)) {
		t.Errorf("sIDHistory = %x", h)
	}
	if v, _ := u.Int("userAccountControl"); v != 66048 {
		t.Errorf("userAccountControl = %q (the _int column must win)", u.All("userAccountControl"))
	}
	// 2016-03-01 10:00:00 UTC = 131013000000000000 in 100 ns since 1601
	if u.Get("pwdLastSet") != "131013000000000000" {
		t.Errorf("pwdLastSet = %q", u.Get("pwdLastSet"))
	}
	if u.Has("lastLogonTimestamp") {
		t.Errorf("empty lastLogonTimestamp should be absent, got %q", u.All("lastLogonTimestamp"))
	}
	if u.Get("accountExpires") != "9223372036854775807" {
		t.Errorf("accountExpires = %q", u.Get("accountExpires"))
	}
	if u.Get("whenCreated") != "20240506070809.0Z" {
		t.Errorf("whenCreated = %q", u.Get("whenCreated"))
	}
	if spn := u.All("servicePrincipalName"); len(spn) != 2 || spn[1] != "HTTP/web.lab.test" {
		t.Errorf("SPNs = %q", spn)
	}
	if u.Get("description") != "compte; avec point-virgule" {
		t.Errorf("description split: %q", u.All("description"))
	}
	if u.Get("isCriticalSystemObject") != "FALSE" {
		t.Errorf("isCriticalSystemObject = %q", u.Get("isCriticalSystemObject"))
	}
	if g := u.Binary("objectGUID"); !bytes.Equal(g, []byte{4, 3, 2, 1, 6, 5, 8, 7, 9, 10, 11, 12, 13, 14, 15, 16}) {
		t.Errorf("objectGUID = %x", g)
	}
	if !bytes.Equal(u.Binary("nTSecurityDescriptor"), []byte{1, 0, 4, 0x8c}) {
		t.Errorf("SD (from top table) = %x", u.Binary("nTSecurityDescriptor"))
	}
	if oc := u.All("objectClass"); len(oc) != 4 {
		t.Errorf("objectClass merged from two tables = %q (first table wins)", oc)
	}
	g := objs["CN=Domain Admins,CN=Users,DC=lab,DC=test"]
	if len(g.All("member")) != 2 || g.Get("adminCount") != "1" {
		t.Errorf("group = %+v", g.Attrs)
	}
	if cr := objs["CN=LAB,CN=Partitions,CN=Configuration,DC=lab,DC=test"]; cr.Get("systemFlags") != "3" {
		t.Errorf("crossRef systemFlags = %q", cr.All("systemFlags"))
	}
	a := objs["CN=Member,CN=Schema,CN=Configuration,DC=lab,DC=test"]
	if !bytes.Equal(a.Binary("schemaIDGUID"), []byte{0xc0, 0x79, 0x96, 0xbf, 0xe6, 0x0d, 0xd0, 0x11, 0xa2, 0x85, 0x00, 0xaa, 0x00, 0x30, 0x49, 0xe2}) {
		t.Errorf("schemaIDGUID = %x", a.Binary("schemaIDGUID"))
	}
	if r := objs[snapshot.RootDSEDN]; r == nil || len(r.All("namingContexts")) != 3 {
		t.Errorf("root DSE = %+v", r)
	}
}

func TestConvertMalformedRowNamesFileAndLine(t *testing.T) {
	tables := labDump()
	tables[2].rows = append(tables[2].rows, []string{"CN=short,DC=lab,DC=test", "only-two"})
	root := t.TempDir()
	dir := writeDump(t, root, "lab.test", "20261129-101500", tables, nil)
	out := filepath.Join(t.TempDir(), "s.gz")
	_, err := Convert(context.Background(), dir, out)
	if err == nil || !IsInput(err) {
		t.Fatalf("err = %v, want input error", err)
	}
	if !strings.Contains(err.Error(), "user.tsv") || !strings.Contains(err.Error(), "ligne 2") {
		t.Errorf("error does not name file and line: %v", err)
	}
	if _, statErr := os.Stat(out); statErr == nil {
		t.Errorf("snapshot written despite the error")
	}
}

func TestConvertBadValues(t *testing.T) {
	for name, mutate := range map[string]func([]dumpTable){
		"bad SID":  func(ts []dumpTable) { ts[3].rows[0][2] = "S-1-5-x" },
		"bad hex":  func(ts []dumpTable) { ts[1].rows[0][4] = "zz" },
		"bad date": func(ts []dumpTable) { ts[2].rows[0][6] = "01/03/2016" },
		"bad GUID": func(ts []dumpTable) { ts[5].rows[0][2] = "not-a-guid" },
	} {
		t.Run(name, func(t *testing.T) {
			ts := labDump()
			mutate(ts)
			dir := writeDump(t, t.TempDir(), "lab.test", "20261129-101500", ts, nil)
			_, err := Convert(context.Background(), dir, filepath.Join(t.TempDir(), "s.gz"))
			if err == nil || !IsInput(err) || !strings.Contains(err.Error(), "ligne 1") {
				t.Fatalf("err = %v, want input error naming line 1", err)
			}
		})
	}
}

func TestSDDLBecomesGap(t *testing.T) {
	ts := labDump()
	ts[1].rows[0][4] = "O:DAG:DAD:(A;;RPWP;;;WD)"
	dir := writeDump(t, t.TempDir(), "lab.test", "20261129-101500", ts, nil)
	out := filepath.Join(t.TempDir(), "s.gz")
	if _, err := Convert(context.Background(), dir, out); err != nil {
		t.Fatal(err)
	}
	_, _, gaps := readSnap(t, out)
	if len(gaps) != 1 || gaps[0].DN != "DC=lab,DC=test" || gaps[0].Scope != "attribute" {
		t.Errorf("gaps = %+v", gaps)
	}
}

func TestEncryptedMLA(t *testing.T) {
	root := t.TempDir()
	mla := filepath.Join(root, "lab.test_20261129-101500.mla")
	if err := os.WriteFile(mla, []byte("MLA\x00encrypted"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{mla, root} {
		_, err := Convert(context.Background(), in, filepath.Join(t.TempDir(), "s.gz"))
		if err == nil || !IsInput(err) || !strings.Contains(err.Error(), "<outputFiles>1</outputFiles>") {
			t.Errorf("%s: err = %v, want advice about outputFiles", in, err)
		}
	}
}

func TestMissingDirectory(t *testing.T) {
	_, err := Convert(context.Background(), filepath.Join(t.TempDir(), "nope"), filepath.Join(t.TempDir(), "s.gz"))
	if err == nil || !IsInput(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestRowReaderRejectsNonUTF16(t *testing.T) {
	rr := newRowReader(strings.NewReader("dn\tx\r\n"), "user.tsv")
	if _, err := rr.next(); err == nil || !strings.Contains(err.Error(), "user.tsv, ligne 1") {
		t.Errorf("err = %v", err)
	}
	rr = newRowReader(bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0, 'b'}), "odd.tsv")
	if _, err := rr.next(); err == nil || !strings.Contains(err.Error(), "impair") {
		t.Errorf("odd length: err = %v", err)
	}
}

func TestIndexErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"lab.test_x\nuser.tsv\tuser\tuser\n",
		"lab.test_x\nuser.tsv\tuser\tuser\t2\tdn\tnvarchar(1)\n",
		"lab.test_x\nuser.tsv\tuser\tuser\tz\tdn\tnvarchar(1)\n",
	} {
		if _, err := parseIndex(strings.NewReader(in), "tables.tsv"); err == nil || !strings.Contains(err.Error(), "tables.tsv") {
			t.Errorf("%q: err = %v", in, err)
		}
	}
}

// TestReaderKeepsWhatPointsRead covers what a real ORADAD extraction holds
// beyond the basic forms: the attribute list (the columns, filtered
// integers under their own name), DN-binary values written in hex, STRS
// columns the fixed list does not know split by the extraction's own
// schema, and the deleted objects the "top" request returns dropped.
func TestReaderKeepsWhatPointsRead(t *testing.T) {
	ts := labDump()
	ts = append(ts,
		dumpTable{path: `domain\lab.test\computer.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"msDS-RevealedUsers", "varchar(max)"}, {"mS-DS-CreatorSID", "varchar(100)"}},
			rows: [][]string{{"CN=RODC1,OU=Domain Controllers,DC=lab,DC=test",
				hexOf("B:96:0100:CN=svc_sql,CN=Users,DC=lab,DC=test") + ";" + hexOf("B:96:0200:CN=Administrator,CN=Users,DC=lab,DC=test"),
				"S-1-5-21-1-2-3-1000"}}},
		dumpTable{path: `configuration\displaySpecifier.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"adminContextMenu", "nvarchar(max)"}},
			rows: [][]string{{"CN=user-Display,CN=409,CN=DisplaySpecifiers,CN=Configuration,DC=lab,DC=test", `2,&Audit,\\fs\share\a.exe;1,{08eb4fa6-6ffd-11d1-b0e0-00c04fd8dca6}`}}},
		dumpTable{path: `schema\attribute2.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"objectClass", "nvarchar(255)"}, {"lDAPDisplayName", "nvarchar(255)"}, {"isSingleValued", "tinyint"}},
			rows: [][]string{
				{"CN=Admin-Context-Menu,CN=Schema,CN=Configuration,DC=lab,DC=test", "top;attributeSchema", "adminContextMenu", "0"},
				{"CN=Description,CN=Schema,CN=Configuration,DC=lab,DC=test", "top;attributeSchema", "description", "0"},
			}},
	)
	ts[1].cols = append(ts[1].cols, [2]string{"isDeleted", "tinyint"})
	for i := range ts[1].rows {
		ts[1].rows[i] = append(ts[1].rows[i], "")
	}
	ts[1].rows = append(ts[1].rows, []string{"CN=old\\0ADEL:1234,CN=Deleted Objects,DC=lab,DC=test", "old", "", "top;person;organizationalPerson;user", "0100", "1"})
	dir := writeDump(t, t.TempDir(), "lab.test", "20261129-101500", ts, nil)
	out := filepath.Join(t.TempDir(), "s.gz")
	if _, err := Convert(context.Background(), dir, out); err != nil {
		t.Fatal(err)
	}
	h, objs, _ := readSnap(t, out)
	for _, a := range []string{"useraccountcontrol", "msds-revealedusers", "admincontextmenu", "objectsid", "defaultnamingcontext"} {
		if !containsString(h.Attributes, a) {
			t.Errorf("attribute list %v lacks %s", h.Attributes, a)
		}
	}
	if containsString(h.Attributes, "useraccountcontrol_int") || containsString(h.Attributes, "shortname") {
		t.Errorf("attribute list holds ORADAD's own columns: %v", h.Attributes)
	}
	rodc := objs["CN=RODC1,OU=Domain Controllers,DC=lab,DC=test"]
	if got := rodc.All("msds-revealedusers"); len(got) != 2 || got[0] != "B:96:0100:CN=svc_sql,CN=Users,DC=lab,DC=test" {
		t.Errorf("msDS-RevealedUsers = %q", got)
	}
	if got := rodc.Get("ms-ds-creatorsid"); got != "S-1-5-21-1-2-3-1000" {
		t.Errorf("mS-DS-CreatorSID = %q", got)
	}
	ds := objs["CN=user-Display,CN=409,CN=DisplaySpecifiers,CN=Configuration,DC=lab,DC=test"]
	if got := ds.All("admincontextmenu"); len(got) != 2 || got[0] != `2,&Audit,\\fs\share\a.exe` {
		t.Errorf("adminContextMenu = %q", got)
	}
	if got := objs["CN=svc_sql,CN=Users,DC=lab,DC=test"].All("description"); len(got) != 1 {
		t.Errorf("description split: %q", got)
	}
	for dn := range objs {
		if strings.Contains(dn, "Deleted Objects") {
			t.Errorf("deleted object kept: %s", dn)
		}
	}
}

func hexOf(s string) string { return fmt.Sprintf("%x", s) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
