package scope

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(example)
	f.Add("net 10.0.0.0/8\nasn 1 ::/0\n")
	f.Add("\xff\xfe host\x00 a")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(strings.NewReader(s))
		if err != nil {
			if p != nil {
				t.Fatal("perimeter returned with an error")
			}
			return
		}
		if p.Empty() {
			t.Fatal("empty perimeter accepted")
		}
		g := NewGuard(p)
		for _, h := range p.Hosts {
			if !g.NameDeclared(h) {
				t.Fatalf("declared host %q not recognised", h)
			}
		}
		_, _ = Expand(p.Prefixes(), p.Excludes, 1024)
	})
}
