package vulndb

import "testing"

func TestVersionCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"9.2p1", "9.2p1", 0},
		{"9.2p1", "9.3p2", -1},
		{"9.2", "9.2p1", -1},
		{"9.8p1", "9.8", 1},
		{"8.9p1", "8.10p1", -1},
		{"1.22.1", "1.22.0", 1},
		{"1.22.1", "1.9.15", 1},
		{"7.0.15", "7.0.12", 1},
		{"7.0.15", "7.2.6", -1},
		{"3.0.3", "3.0.2", 1},
		{"3.0.3", "3.0.3", 0},
		{"13.1-49.13", "13.1-49.15", -1},
		{"13.1-58.32", "13.1-49.15", 1},
		{"22.7R2.5", "22.7R2.6", -1},
		{"22.7R2", "22.7R2.5", -1},
		{"9.1R18.3", "22.7R2", -1},
		{"11.1.2-h3", "11.1.2", 1},
		{"11.1.2-h3", "11.1.2-h1", 1},
		{"15.2.858.5", "15.2.1118.7", -1},
		{"1.0.0-rc1", "1.0.0", -1},
		{"1.0.0", "1.0.0-beta", 1},
		{"v2.4.49", "2.4.49", 0},
		{"9.2p1 Debian-2+deb12u3", "9.2p1", 0},
		{"2.4.50", "2.4.049", 1},
	}
	for _, c := range cases {
		a, err := ParseVersion(c.a)
		if err != nil {
			t.Fatalf("%q: %v", c.a, err)
		}
		b, err := ParseVersion(c.b)
		if err != nil {
			t.Fatalf("%q: %v", c.b, err)
		}
		if got := a.Compare(b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := b.Compare(a); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", c.b, c.a, got, -c.want)
		}
	}
}

func TestVersionMalformed(t *testing.T) {
	for _, s := range []string{"", "   ", "abc", "-1.0", "1.0;rm", "1.2.3/4", "é1", "1.0\x00", "12345678901234567890.1"} {
		if _, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) accepted", s)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"9.2p1", "1.22.1", "7.0.15", "3.0.3", "13.1-49.13", "22.7R2.5", "11.1.2-h3", "1.0-rc1"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		va, errA := ParseVersion(a)
		vb, errB := ParseVersion(b)
		if errA != nil || errB != nil {
			return
		}
		if va.Compare(va) != 0 {
			t.Fatalf("%q not equal to itself", a)
		}
		if va.Compare(vb) != -vb.Compare(va) {
			t.Fatalf("compare not antisymmetric for %q, %q", a, b)
		}
	})
}
