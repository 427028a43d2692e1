package ldapcollect

import (
	"strings"
	"testing"
)

// FuzzParseRange checks the attribute-range parser on arbitrary names.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"member;range=0-1499", "member;range=1500-*", "member", "a;range=-", "x;range=9-1;binary"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, lo, hi, ok := parseRange(s)
		if !strings.HasPrefix(s, name) {
			t.Fatalf("name %q is not a prefix of %q", name, s)
		}
		if ok && (lo < 0 || (hi != -1 && hi < lo)) {
			t.Fatalf("%q: range %d-%d accepted", s, lo, hi)
		}
	})
}
