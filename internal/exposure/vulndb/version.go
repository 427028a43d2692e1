package vulndb

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed product version: a sequence of numeric and alphabetic
// parts, separators ignored. It orders vendor formats that semantic
// versioning does not: OpenSSH "9.2p1", Citrix "13.1-49.13", Ivanti
// "22.7R2.5", PAN-OS "11.1.2-h3", Exchange "15.2.1118.7".
type Version struct {
	raw   string
	parts []part
}

type part struct {
	num   uint64
	alpha string // lower case; empty for a numeric part
}

// String returns the version as given.
func (v Version) String() string { return v.raw }

// preRelease lists alphabetic parts that sort before the version they follow
// ("1.0-rc1" < "1.0").
var preRelease = map[string]bool{"alpha": true, "beta": true, "rc": true, "pre": true, "dev": true}

// ParseVersion reads a version string. Only the first word counts ("9.2p1
// Debian-2" is 9.2p1) and a leading "v" is ignored. It fails on an empty
// string, on a version that does not start with a digit, on characters other
// than letters, digits and . - _ + ~, and on numbers longer than 18 digits.
func ParseVersion(s string) (Version, error) {
	raw := strings.TrimSpace(s)
	if f := strings.Fields(raw); len(f) > 0 {
		raw = f[0]
	}
	t := raw
	if len(t) > 1 && (t[0] == 'v' || t[0] == 'V') && t[1] >= '0' && t[1] <= '9' {
		t = t[1:]
	}
	if t == "" {
		return Version{}, fmt.Errorf("version vide")
	}
	if t[0] < '0' || t[0] > '9' {
		return Version{}, fmt.Errorf("version %q invalide : elle doit commencer par un chiffre", s)
	}
	v := Version{raw: raw}
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			if j-i > 18 {
				return Version{}, fmt.Errorf("version %q invalide : nombre trop long", s)
			}
			n, _ := strconv.ParseUint(t[i:j], 10, 64)
			v.parts = append(v.parts, part{num: n})
			i = j
		case isLetter(c):
			j := i
			for j < len(t) && isLetter(t[j]) {
				j++
			}
			v.parts = append(v.parts, part{alpha: strings.ToLower(t[i:j])})
			i = j
		case c == '.' || c == '-' || c == '_' || c == '+' || c == '~':
			i++
		default:
			return Version{}, fmt.Errorf("version %q invalide : caractère %q inattendu", s, rune(c))
		}
	}
	return v, nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// MustVersion parses a version known to be valid (tests, embedded data); it
// panics otherwise.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
// Parts are compared in order: numbers numerically, words alphabetically, a
// word before a number. When one version runs out, it is the older one,
// unless the other continues with a pre-release word (alpha, beta, rc, pre,
// dev).
func (v Version) Compare(w Version) int {
	n := min(len(v.parts), len(w.parts))
	for i := 0; i < n; i++ {
		if c := comparePart(v.parts[i], w.parts[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.parts) == len(w.parts):
		return 0
	case len(v.parts) > len(w.parts):
		if preRelease[v.parts[n].alpha] {
			return -1
		}
		return 1
	default:
		if preRelease[w.parts[n].alpha] {
			return 1
		}
		return -1
	}
}

func comparePart(a, b part) int {
	switch {
	case a.alpha == "" && b.alpha == "":
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	case a.alpha != "" && b.alpha != "":
		return strings.Compare(a.alpha, b.alpha)
	case a.alpha != "":
		return -1
	}
	return 1
}
