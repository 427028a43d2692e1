package snapshot

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// readEvery reads a snapshot with Next, and again with Stream, checks
// that both agree and returns the objects and gaps.
func readEvery(t *testing.T, path string) ([]*Object, []Gap, Header) {
	t.Helper()
	r, c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var objs []*Object
	var gaps []Gap
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			objs = append(objs, o)
		} else {
			gaps = append(gaps, *g)
		}
	}
	r2, c2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	i, j := 0, 0
	err = r2.Stream(3, func(o *Object, g *Gap) error {
		if o != nil {
			if i >= len(objs) || !sameObject(o, objs[i]) {
				return fmt.Errorf("Stream: objet %d différent de Next", i)
			}
			i++
			return nil
		}
		if j >= len(gaps) || *g != gaps[j] {
			return fmt.Errorf("Stream: lacune %d différente de Next", j)
		}
		j++
		return nil
	})
	if err != nil || i != len(objs) || j != len(gaps) {
		t.Fatalf("Stream: %v (%d/%d objets, %d/%d lacunes)", err, i, len(objs), j, len(gaps))
	}
	if !reflect.DeepEqual(r.AttributesSeen(), r2.AttributesSeen()) {
		t.Fatalf("attributs vus : Next %v, Stream %v", r.AttributesSeen(), r2.AttributesSeen())
	}
	return objs, gaps, r.Header
}

// sameObject compares two objects through their methods, whatever their
// in-memory form (an attribute without values may read as nil or empty).
func sameObject(a, b *Object) bool {
	if a.DN != b.DN || !slices.Equal(a.Names(), b.Names()) {
		return false
	}
	for _, n := range a.Names() {
		if !slices.Equal(a.All(n), b.All(n)) || !slices.EqualFunc(a.BinaryAll(n), b.BinaryAll(n), bytes.Equal) {
			return false
		}
	}
	return true
}

func writeObjects(t *testing.T, h Header, objs []*Object, gaps []Gap) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.snapshot.gz")
	w, err := Create(p, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := w.WriteObject(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range gaps {
		if err := w.WriteGap(g); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVersion1StillRead reads a file written by the version 1 writer
// (JSON lines), then writes it again in version 2: both read the same.
func TestVersion1StillRead(t *testing.T) {
	objs, gaps, h := readEvery(t, filepath.Join("testdata", "v1-forest.snapshot.gz"))
	if h.Format != FormatV1 || h.Forest != "lab.test" || len(h.NamingContexts) != 5 {
		t.Fatalf("en-tête %+v", h)
	}
	if len(objs) != 79 || len(gaps) != 1 || gaps[0].Why != "lecture refusée" {
		t.Fatalf("%d objets, lacunes %+v", len(objs), gaps)
	}
	var guest *Object
	for _, o := range objs {
		if strings.HasPrefix(o.DN, "CN=Guest,") {
			guest = o
		}
	}
	if guest == nil || guest.Get("description") != "Compte invité désactivé « test »" || guest.Get("useraccountcontrol") != "544" ||
		len(guest.Binary("objectSid")) != 28 || len(guest.Binary("nTSecurityDescriptor")) == 0 {
		t.Fatalf("Guest mal lu : %+v", guest)
	}
	h.Format = ""
	p := writeObjects(t, h, objs, gaps)
	objs2, gaps2, h2 := readEvery(t, p)
	if h2.Format != Format || len(objs2) != len(objs) || !reflect.DeepEqual(gaps, gaps2) {
		t.Fatalf("relu en version 2 : %s, %d objets, %+v", h2.Format, len(objs2), gaps2)
	}
	for i := range objs {
		if !sameObject(objs[i], objs2[i]) {
			t.Fatalf("objet %s différent après réécriture", objs[i].DN)
		}
	}
}

func fileSize(t *testing.T, p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestRoundTrip writes objects of every shape and reads them back.
func TestRoundTrip(t *testing.T) {
	sd := bytes.Repeat([]byte{1, 2, 3, 4}, 40) // shared from its second use
	other := bytes.Repeat([]byte{9}, 200)      // met once: inline
	var objs []*Object
	for i := 0; i < 1500; i++ {
		o := &Object{DN: fmt.Sprintf("CN=Élève %d,OU=Écoles,DC=lab,DC=test", i)}
		o.SetText("objectClass", "top", "person", "user")
		o.SetText("description", fmt.Sprintf("ligne 1\nligne 2 « %d »\x00", i))
		o.Add("objectSid", []byte{1, 1, 0, 0, 0, 0, 0, 5, byte(i), byte(i >> 8), 0, 0})
		o.Add("nTSecurityDescriptor", sd)
		if i%3 == 0 {
			o.SetText("member") // present, no value
		}
		if i%500 == 7 {
			o.Add("userCertificate", other, sd, []byte{})
			o.SetText("usercertificate", "aussi en texte")
		}
		objs = append(objs, o)
	}
	gaps := []Gap{{DN: objs[3].DN, Attribute: "msDS-KeyCredentialLink", Scope: "attribute", Why: "refusé"}, {Scope: "naming-context", Why: "absent"}}
	h := Header{Forest: "lab.test", Source: "ldap", Server: "dc1", CollectedAt: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		NamingContexts: []NamingContext{{DN: "DC=lab,DC=test", Kind: "domain", Domain: "lab.test"}}}
	p := writeObjects(t, h, objs, gaps)
	got, gotGaps, gotH := readEvery(t, p)
	h.Format = Format
	if !reflect.DeepEqual(gotH, h) || !reflect.DeepEqual(gotGaps, gaps) || len(got) != len(objs) {
		t.Fatalf("en-tête %+v, lacunes %+v, %d objets", gotH, gotGaps, len(got))
	}
	for i := range objs {
		if !sameObject(objs[i], got[i]) {
			t.Fatalf("objet %d : écrit %v, relu %v", i, objs[i].Names(), got[i].Names())
		}
	}
	if o := got[6]; !slices.Contains(o.Names(), "member") || o.Has("member") {
		t.Errorf("attribut sans valeur : %v, Has %v", o.Names(), o.Has("member"))
	}
	o := got[7]
	if c := o.BinaryAll("usercertificate"); len(c) != 3 || !bytes.Equal(c[0], other) || !bytes.Equal(c[1], sd) || len(c[2]) != 0 {
		t.Errorf("usercertificate binaire = %v", c)
	}
	if o.Get("userCertificate") != "aussi en texte" {
		t.Errorf("usercertificate texte = %q", o.Get("usercertificate"))
	}
	// The descriptor common to every object is stored once.
	if n := fileSize(t, p); n > 60000 {
		t.Errorf("fichier de %d octets : le descripteur commun n'est pas partagé ?", n)
	}
}

// TestPackedObjectChanges checks that an object read from a file can be
// changed like one being built.
func TestPackedObjectChanges(t *testing.T) {
	o := &Object{DN: "CN=a,DC=x"}
	o.SetText("cn", "a")
	o.SetText("member", "CN=b", "CN=c")
	o.Add("objectSid", []byte{1, 0, 0, 0, 0, 0, 0, 5})
	o.Add("nTSecurityDescriptor", []byte{1, 2})
	objs, _, _ := readEvery(t, writeObjects(t, Header{Forest: "x"}, []*Object{o}, nil))
	r := objs[0]
	if r.Attrs != nil || r.Bin != nil {
		t.Fatal("objet relu : forme compacte attendue")
	}
	if got := r.Names(); !reflect.DeepEqual(got, []string{"cn", "member", "ntsecuritydescriptor", "objectsid"}) {
		t.Fatalf("Names = %v", got)
	}
	r.Delete("nTSecurityDescriptor")
	r.Delete("absent")
	if r.Has("ntsecuritydescriptor") || !r.Has("objectsid") || r.Get("CN") != "a" {
		t.Fatalf("après Delete : %v", r.Names())
	}
	r.Add("member", []byte("CN=d"))
	if got := r.All("member"); !reflect.DeepEqual(got, []string{"CN=b", "CN=c", "CN=d"}) || r.Attrs == nil {
		t.Fatalf("après Add : %v", got)
	}
	r.SetText("cn", "z")
	if r.Get("cn") != "z" || len(r.Binary("objectsid")) != 8 {
		t.Fatalf("après SetText : %v", r.Names())
	}
}

// TestDropAttributes leaves attributes out but still reports them seen.
func TestDropAttributes(t *testing.T) {
	o := &Object{DN: "CN=a,DC=x"}
	o.SetText("cn", "a")
	o.SetText("memberof", "CN=g")
	o.Add("objectGUID", bytes.Repeat([]byte{7}, 16))
	o.Add("objectSid", []byte{1, 0, 0, 0, 0, 0, 0, 5})
	for _, p := range []string{writeObjects(t, Header{Forest: "x"}, []*Object{o}, nil), filepath.Join("testdata", "v1-forest.snapshot.gz")} {
		for _, stream := range []bool{false, true} {
			r, c, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			r.DropAttributes("memberof", "objectguid", "cn")
			var first *Object
			read := func(o *Object, _ *Gap) error {
				if first == nil && o != nil {
					first = o
				}
				return nil
			}
			if stream {
				err = r.Stream(2, read)
			} else {
				for err == nil {
					var o *Object
					var g *Gap
					o, g, err = r.Next()
					if err == nil {
						read(o, g)
					}
				}
				if errors.Is(err, io.EOF) {
					err = nil
				}
			}
			c.Close()
			if err != nil {
				t.Fatal(err)
			}
			seen := r.AttributesSeen()
			if first.Has("cn") || first.Has("memberof") || first.Has("objectguid") || !seen["cn"] {
				t.Errorf("%s (Stream %v) : %v, vus %v", p, stream, first.Names(), seen)
			}
			if !first.Has("objectsid") && !first.Has("objectclass") {
				t.Errorf("%s : attributs gardés perdus : %v", p, first.Names())
			}
		}
	}
}

// gzipped compresses raw stream content.
func gzipped(b []byte) []byte {
	var out bytes.Buffer
	gz := gzip.NewWriter(&out)
	gz.Write(b)
	gz.Close()
	return out.Bytes()
}

// plain returns the uncompressed content of a snapshot file.
func plain(t testing.TB, p string) []byte {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(gz)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAllErr reads a whole stream with Stream and with Next, and returns
// both errors (nil for a valid snapshot).
func readAllErr(b []byte) (streamErr, nextErr error) {
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return err, err
	}
	streamErr = r.Stream(2, func(*Object, *Gap) error { return nil })
	r, _ = NewReader(bytes.NewReader(b))
	for {
		_, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return streamErr, nil
		}
		if err != nil {
			return streamErr, err
		}
	}
}

// TestVersion2Errors damages a valid file in every way a disk, a copy or
// an interrupted collection can, and checks the French diagnosis.
func TestVersion2Errors(t *testing.T) {
	var objs []*Object
	for i := 0; i < 20; i++ {
		o := &Object{DN: fmt.Sprintf("CN=u%d,DC=x", i)}
		o.SetText("cn", fmt.Sprint("u", i))
		o.Add("nTSecurityDescriptor", bytes.Repeat([]byte{5}, 100))
		objs = append(objs, o)
	}
	good := plain(t, writeObjects(t, Header{Forest: "x"}, objs, []Gap{{Scope: "object", Why: "test"}}))
	if s, n := readAllErr(gzipped(good)); s != nil || n != nil {
		t.Fatalf("fichier valide refusé : %v / %v", s, n)
	}
	// Every cut of the content is refused, never with a crash.
	for cut := 0; cut < len(good); cut++ {
		s, n := readAllErr(gzipped(good[:cut]))
		if s == nil || n == nil {
			t.Fatalf("coupé à %d octets sur %d : accepté", cut, len(good))
		}
		if cut > len(magicV2)+40 && (!errors.Is(s, ErrTruncated) || !errors.Is(n, ErrTruncated)) {
			t.Fatalf("coupé à %d : %v / %v (tronqué attendu)", cut, s, n)
		}
	}
	// Every cut of the compressed file is refused too.
	z := gzipped(good)
	for cut := 0; cut < len(z); cut++ {
		if s, n := readAllErr(z[:cut]); s == nil || n == nil {
			t.Fatalf("fichier compressé coupé à %d octets sur %d : accepté", cut, len(z))
		}
	}
	// A flipped bit in the compressed data is caught (deflate or CRC).
	for i := 20; i < len(z)-8; i += 7 {
		bad := bytes.Clone(z)
		bad[i] ^= 0x10
		if s, _ := readAllErr(bad); s == nil {
			t.Fatalf("octet %d altéré : accepté", i)
		}
	}
	trailer := bytes.LastIndexByte(good, kindTrailer)
	cases := map[string]struct {
		content []byte
		want    string
	}{
		"future version": {[]byte("vigie-ad-snapshot/3\n"), "vigie-ad-snapshot/3 non pris en charge"},
		"not a snapshot": {[]byte("PK\x03\x04"), "pas un instantané"},
		"empty":          {nil, "tronqué"},
		"no header":      {[]byte(magicV2 + "T\x02\x00\x00"), "en-tête absent"},
		"unknown kind":   {append(bytes.Clone(good[:trailer]), 'Z', 0), "type d'enregistrement 'Z' inconnu"},
		"skipped kind":   {append(append(bytes.Clone(good[:trailer]), 'z', 1, 0), good[trailer:]...), ""},
		"after end":      {append(bytes.Clone(good), 'G', 4, 0, 0, 0, 0), "après la fin"},
		"bad count":      {append(bytes.Clone(good[:trailer]), 'T', 2, 21, 1), "21 objets et 1 lacunes annoncés, 20 et 1 lus"},
		"huge record":    {append(bytes.Clone(good[:trailer]), 'O', 0xff, 0xff, 0xff, 0xff, 0x0f), "longueur d'enregistrement aberrante"},
		"undeclared":     {append(bytes.Clone(good[:trailer]), 'O', 6, 3, 'C', '=', 'a', 1, 99), "attribut n° 99 non déclaré"},
		"no DN":          {append(bytes.Clone(good[:trailer]), 'O', 2, 0, 0), "objet sans DN"},
		"bad value ref":  {append(bytes.Clone(good[:trailer]), 'O', 9, 3, 'C', '=', 'a', 1, 1, 1, 1, 99), "valeur partagée n° 49 non déclarée"},
		"bad syntax":     {append(bytes.Clone(good[:trailer]), 'O', 8, 3, 'C', '=', 'a', 1, 0, 7, 0), "syntaxe 7 inconnue"},
		"short value":    {append(bytes.Clone(good[:trailer]), 'O', 9, 3, 'C', '=', 'a', 1, 0, 0, 1, 5), "valeur illisible"},
		"extra bytes":    {append(bytes.Clone(good[:trailer]), 'G', 5, 0, 0, 0, 0, 0), "octets en trop"},
		"header twice":   {append(bytes.Clone(good[:trailer]), 'H', 2, '{', '}'), "en-tête répété"},
	}
	for name, c := range cases {
		s, n := readAllErr(gzipped(c.content))
		if c.want == "" {
			if s != nil || n != nil {
				t.Errorf("%s : refusé : %v / %v", name, s, n)
			}
			continue
		}
		for _, err := range []error{s, n} {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s : %v (attendu « %s »)", name, err, c.want)
			}
		}
	}
	if _, err := NewReader(strings.NewReader("pas du gzip")); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("fichier non compressé : %v", err)
	}
}

// TestSharedListsStayApart: objects read with the same short value list
// share it, and changing one object leaves the others as they were.
func TestSharedListsStayApart(t *testing.T) {
	var objs []*Object
	for i := 0; i < 3; i++ {
		o := &Object{DN: fmt.Sprintf("CN=u%d,DC=x", i)}
		o.SetText("objectClass", "top", "person", "user")
		o.SetText("userAccountControl", "512")
		objs = append(objs, o)
	}
	got, _, _ := readEvery(t, writeObjects(t, Header{Forest: "x"}, objs, nil))
	got[0].Add("objectClass", []byte("computer"))
	got[1].SetText("userAccountControl", "514")
	for i, want := range []string{"top person user computer", "top person user", "top person user"} {
		if c := strings.Join(got[i].All("objectclass"), " "); c != want {
			t.Errorf("object %d: objectClass %q, want %q", i, c, want)
		}
	}
	if got[0].Get("useraccountcontrol") != "512" || got[1].Get("useraccountcontrol") != "514" || got[2].Get("useraccountcontrol") != "512" {
		t.Errorf("userAccountControl: %q %q %q", got[0].Get("useraccountcontrol"), got[1].Get("useraccountcontrol"), got[2].Get("useraccountcontrol"))
	}
}
