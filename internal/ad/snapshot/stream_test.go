package snapshot

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func writeTestSnapshot(t *testing.T, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.gz")
	w, err := Create(p, Header{Forest: "lab.test"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		o := &Object{DN: fmt.Sprintf("CN=u%d,DC=lab,DC=test", i)}
		o.Add("sAMAccountName", []byte(fmt.Sprintf("u%d", i)))
		o.Add("objectSid", []byte{1, 1, 0, 0, 0, 0, 0, 5, byte(i), 0, 0, 0})
		if err := w.WriteObject(o); err != nil {
			t.Fatal(err)
		}
		if i%700 == 0 {
			w.WriteGap(Gap{DN: o.DN, Scope: "object", Why: "test"})
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStreamMatchesNext(t *testing.T) {
	p := writeTestSnapshot(t, 3000)
	r1, c1, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	var want []string
	for {
		o, g, err := r1.Next()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatal(err)
			}
			break
		}
		if o != nil {
			want = append(want, o.DN+"|"+o.Get("samaccountname")+fmt.Sprint(o.Binary("objectsid")))
		} else {
			want = append(want, "gap:"+g.DN)
		}
	}
	for _, workers := range []int{1, 3} {
		r2, c2, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = r2.Stream(workers, func(o *Object, g *Gap) error {
			if o != nil {
				got = append(got, o.DN+"|"+o.Get("samaccountname")+fmt.Sprint(o.Binary("objectsid")))
			} else {
				got = append(got, "gap:"+g.DN)
			}
			return nil
		})
		c2.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("workers=%d: %d records vs %d, or order differs", workers, len(got), len(want))
		}
	}
}

func rawSnapshot(lines ...string) *bytes.Buffer {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	gz.Write([]byte(`{"h":{"format":"vigie-ad-snapshot/1","forest":"x"}}` + "\n"))
	for _, l := range lines {
		gz.Write([]byte(l + "\n"))
	}
	gz.Close()
	return &b
}

func TestStreamErrors(t *testing.T) {
	cases := map[string]struct {
		lines []string
		want  string
	}{
		"truncated":   {[]string{`{"o":{"dn":"CN=a"}}`}, "tronqué"},
		"after end":   {[]string{`{"o":{"dn":"CN=a"}}`, `{"t":{"objects":1,"gaps":0}}`, `{"o":{"dn":"CN=b"}}`}, "après la fin"},
		"no DN":       {[]string{`{"o":{"a":{}}}`}, "sans DN"},
		"bad count":   {[]string{`{"o":{"dn":"CN=a"}}`, `{"t":{"objects":2,"gaps":0}}`}, "annoncés"},
		"empty":       {[]string{`{}`}, "vide"},
		"bad JSON":    {[]string{`{"o":{"dn":"CN=a"}}`, `{"o":[1,2]}`}, "enregistrement 3"},
		"syntax":      {[]string{`{"o":`}, ""},
		"wrong types": {[]string{`{"o":{"dn":5}}`}, "enregistrement 2"},
	}
	for name, c := range cases {
		r, err := NewReader(rawSnapshot(c.lines...))
		if err != nil {
			t.Fatal(err)
		}
		err = r.Stream(2, func(*Object, *Gap) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	r, _ := NewReader(rawSnapshot(`{"o":{"dn":"CN=a"}}`, `{"t":{"objects":1,"gaps":0}}`))
	stop := errors.New("stop")
	if err := r.Stream(2, func(*Object, *Gap) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error lost: %v", err)
	}
}
