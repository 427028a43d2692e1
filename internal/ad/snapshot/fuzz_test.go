package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReader feeds arbitrary content (gzip-compressed, so that the fuzzer
// works on records, not on deflate) to the reader, with Stream and with
// Next: it must never panic, every refusal must be a French diagnosis of
// the snapshot, and whatever it accepts must survive a write and a read
// unchanged.
func FuzzReader(f *testing.F) {
	f.Add([]byte(magicV2 + "H\x02{}T\x02\x00\x00"))
	f.Add([]byte(`{"h":{"format":"vigie-ad-snapshot/1"}}` + "\n" + `{"o":{"dn":"CN=a","a":{"cn":["a"]},"b":{"objectsid":["AQA="]}}}` + "\n" + `{"t":{"objects":1,"gaps":0}}`))
	var objs []*Object
	for i := 0; i < 3; i++ {
		o := &Object{DN: fmt.Sprintf("CN=u%d,DC=x", i)}
		o.SetText("objectClass", "top", "user")
		o.Add("nTSecurityDescriptor", bytes.Repeat([]byte{byte(i % 2)}, 70))
		o.Add("objectSid", []byte{1, 1, 0, 0, 0, 0, 0, 5, byte(i), 0, 0, 0})
		objs = append(objs, o)
	}
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.gz")
	w, err := Create(p, Header{Forest: "x"})
	if err != nil {
		f.Fatal(err)
	}
	for _, o := range objs {
		w.WriteObject(o)
	}
	w.WriteGap(Gap{DN: "CN=u1,DC=x", Scope: "object", Why: "test"})
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	seed := plain(f, p)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add(plain(f, filepath.Join("testdata", "v1-forest.snapshot.gz")))
	f.Fuzz(func(t *testing.T, content []byte) {
		z := gzipped(content)
		sErr, nErr := readAllErr(z)
		for _, err := range []error{sErr, nErr} {
			if err != nil && !strings.Contains(err.Error(), "instantané") && !strings.Contains(err.Error(), "Vigie") {
				t.Fatalf("refus sans diagnostic : %v", err)
			}
		}
		if (sErr == nil) != (nErr == nil) {
			t.Fatalf("Stream %v, Next %v", sErr, nErr)
		}
		if nErr != nil {
			return
		}
		r, err := NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
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
		p := filepath.Join(t.TempDir(), "again.gz")
		w, err := Create(p, r.Header)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if err := w.WriteObject(o); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range gaps {
			w.WriteGap(g)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r2, c, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		i := 0
		err = r2.Stream(2, func(o *Object, g *Gap) error {
			if o != nil {
				if !sameObject(o, objs[i]) {
					return fmt.Errorf("objet %d changé par la réécriture", i)
				}
				i++
			}
			return nil
		})
		if err != nil || i != len(objs) {
			t.Fatalf("relecture : %v (%d/%d objets)", err, i, len(objs))
		}
	})
}
