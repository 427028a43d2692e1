package probe

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

// DefaultNmapProbes is where Debian's nmap-common installs the probe file.
// Vigie does not ship it (NPSL licence): it is read at run time when present.
const DefaultNmapProbes = "/usr/share/nmap/nmap-service-probes"

// NmapDB holds the "match" lines of the NULL probe of nmap-service-probes:
// the patterns for services that speak first. They name what Vigie's own
// probes do not recognise. Patterns are compiled on first use; those Go's
// RE2 cannot compile (Perl-only constructs) are skipped.
type NmapDB struct {
	once    sync.Once
	raw     []nmapMatch
	matches []nmapMatch
}

type nmapMatch struct {
	service, pattern, flags string
	product, version        string
	re                      *regexp.Regexp
}

// LoadNmapProbes reads the NULL-probe matches of an nmap-service-probes file.
func LoadNmapProbes(path string) (*NmapDB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fichier de sondes nmap %s : %w", path, err)
	}
	defer f.Close()
	db, err := parseNmapProbes(f)
	if err != nil {
		return nil, fmt.Errorf("fichier de sondes nmap %s : %w", path, err)
	}
	return db, nil
}

func parseNmapProbes(r io.Reader) (*NmapDB, error) {
	db := &NmapDB{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	inNull := false
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "Probe ") {
			inNull = strings.HasPrefix(l, "Probe TCP NULL ")
			continue
		}
		if !inNull || !strings.HasPrefix(l, "match ") {
			continue
		}
		if m, ok := parseNmapMatch(l[len("match "):]); ok {
			db.raw = append(db.raw, m)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(db.raw) == 0 {
		return nil, fmt.Errorf("aucune ligne « match » pour la sonde NULL")
	}
	return db, nil
}

// parseNmapMatch reads "service m|pattern|flags p/product/ v/version/ …".
func parseNmapMatch(s string) (nmapMatch, bool) {
	svc, rest, ok := strings.Cut(s, " ")
	if !ok || len(rest) < 3 || rest[0] != 'm' {
		return nmapMatch{}, false
	}
	delim := rest[1]
	end := strings.IndexByte(rest[2:], delim)
	if end < 0 {
		return nmapMatch{}, false
	}
	m := nmapMatch{service: svc, pattern: rest[2 : 2+end]}
	rest = rest[2+end+1:]
	i := 0
	for i < len(rest) && (rest[i] == 'i' || rest[i] == 's') {
		i++
	}
	m.flags, rest = rest[:i], rest[i:]
	for {
		rest = strings.TrimLeft(rest, " ")
		if len(rest) < 3 {
			break
		}
		key := rest[0]
		if strings.HasPrefix(rest, "cpe:") {
			key, rest = 'c', rest[3:] // "cpe:/…/" → ":/…/": the delimiter is rest[1]
		}
		if len(rest) < 2 {
			break
		}
		d := rest[1]
		e := strings.IndexByte(rest[2:], d)
		if e < 0 {
			break
		}
		val := rest[2 : 2+e]
		rest = rest[2+e+1:]
		if len(rest) > 0 && rest[0] == 'a' { // cpe "a" flag
			rest = rest[1:]
		}
		switch key {
		case 'p':
			m.product = val
		case 'v':
			m.version = val
		}
	}
	return m, true
}

func (db *NmapDB) compile() {
	for _, m := range db.raw {
		pre := "(?"
		if strings.Contains(m.flags, "s") {
			pre += "s"
		}
		if strings.Contains(m.flags, "i") {
			pre += "i"
		}
		pat := m.pattern
		if pre != "(?" {
			pat = pre + ")" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			continue
		}
		m.re = re
		db.matches = append(db.matches, m)
	}
	db.raw = nil
}

// latin1 maps each byte to the rune of the same value, so that patterns such
// as \xff match the raw byte.
func latin1(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

var (
	nmapVarRe    = regexp.MustCompile(`\$([1-9])`)
	nmapHelperRe = regexp.MustCompile(`\$(P|SUBST|I)\(([1-9])[^)]*\)`)
)

// Match names the service behind a banner: nmap's service name, product and
// version (with $1…$9 substituted); ok false when no pattern matches.
func (db *NmapDB) Match(banner []byte) (service, product, version string, ok bool) {
	if db == nil || len(banner) == 0 {
		return "", "", "", false
	}
	db.once.Do(db.compile)
	s := latin1(banner[:min(len(banner), 4096)])
	for _, m := range db.matches {
		sub := m.re.FindStringSubmatch(s)
		if sub == nil {
			continue
		}
		fill := func(tpl string) string {
			tpl = nmapHelperRe.ReplaceAllString(tpl, "$$$2")
			return nmapVarRe.ReplaceAllStringFunc(tpl, func(v string) string {
				i := int(v[1] - '0')
				if i < len(sub) {
					return sub[i]
				}
				return ""
			})
		}
		return m.service, printable([]byte(fill(m.product)), 100), printable([]byte(fill(m.version)), 60), true
	}
	return "", "", "", false
}
