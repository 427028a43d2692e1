package probe

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultNmapProbes is where Debian's nmap-common installs the probe file.
// Vigie does not ship it (NPSL licence): it is read at run time when present.
const DefaultNmapProbes = "/usr/share/nmap/nmap-service-probes"

// NmapDB holds the TCP probes of nmap-service-probes: what each probe sends,
// the ports and the rarity that say how likely it is to be useful, and the
// match / softmatch patterns that name the service from the answer. Patterns
// are compiled on first use of their probe; those Go's RE2 cannot compile
// (Perl-only constructs) are skipped.
type NmapDB struct {
	probes []*nmapProbe // TCP probes, in file order (NULL first)
	byName map[string]*nmapProbe
	null   *nmapProbe
}

// nmapProbe is one "Probe TCP" section.
type nmapProbe struct {
	name      string
	payload   []byte
	rarity    int
	ports     portList
	sslports  portList
	totalWait time.Duration
	fallback  []string
	// services lists every service a match or softmatch of this probe names
	// (softmatch narrowing keeps the probes able to name the softmatched one).
	services map[string]bool

	once    sync.Once
	raw     []nmapMatch
	matches []nmapMatch
}

type nmapMatch struct {
	service, pattern, flags string
	product, version        string
	soft                    bool
	// prefix is the literal text every answer must start with (compared
	// before compiling anything); fold when the pattern ignores case.
	prefix []byte
	fold   bool
	lazy   *lazyRegexp
}

// lazyRegexp compiles a pattern on first use; bad is set when RE2 refuses it.
type lazyRegexp struct {
	once sync.Once
	re   *regexp.Regexp
}

func (m *nmapMatch) regexp() *regexp.Regexp {
	m.lazy.once.Do(func() {
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
		m.lazy.re, _ = regexp.Compile(pat)
	})
	return m.lazy.re
}

// couldMatch compares the answer with the pattern's literal prefix.
func (m *nmapMatch) couldMatch(s string) bool {
	if len(m.prefix) == 0 {
		return true
	}
	if len(s) < len(m.prefix) {
		return false
	}
	if m.fold {
		return strings.EqualFold(s[:len(m.prefix)], string(m.prefix))
	}
	return s[:len(m.prefix)] == string(m.prefix)
}

// literalPrefix returns the bytes an anchored pattern (^…) must start with,
// as Latin-1 runes encoded in a string (the matching form), or nil.
func literalPrefix(pat string) []byte {
	if !strings.HasPrefix(pat, "^") || topLevelAlternation(pat) {
		return nil
	}
	var out []rune
	i := 1
	for i < len(pat) {
		c := pat[i]
		var r rune
		n := 1
		switch {
		case c == '\\' && i+1 < len(pat):
			e := pat[i+1]
			n = 2
			switch {
			case e == 'x' && i+3 < len(pat):
				v, err := strconv.ParseUint(pat[i+2:i+4], 16, 8)
				if err != nil {
					return encodeRunes(out)
				}
				r, n = rune(v), 4
			case e == 'r':
				r = '\r'
			case e == 'n':
				r = '\n'
			case e == 't':
				r = '\t'
			case e == '0':
				r = 0
			case strings.IndexByte(`\.|/-^$*+?()[]{}=:!<>'"#&%@,;~`+"`"+`_ `, e) >= 0:
				r = rune(e)
			default:
				return encodeRunes(out) // \d, \w, \s …: not a literal
			}
		case strings.IndexByte(`.[](){}*+?|^$`, c) >= 0:
			return encodeRunes(out)
		case c >= 0x80:
			return encodeRunes(out)
		default:
			r = rune(c)
		}
		// A quantifier makes the last literal optional or repeated.
		if j := i + n; j < len(pat) && strings.IndexByte("*?{+", pat[j]) >= 0 {
			if pat[j] == '+' {
				out = append(out, r)
			}
			return encodeRunes(out)
		}
		out = append(out, r)
		i += n
	}
	return encodeRunes(out)
}

// topLevelAlternation reports a "|" outside groups and classes: the anchor
// and the prefix then belong to one branch only.
func topLevelAlternation(pat string) bool {
	depth, class := 0, false
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '\\':
			i++
		case class:
			class = c != ']'
		case c == '[':
			class = true
			j := i + 1
			if j < len(pat) && pat[j] == '^' {
				j++
			}
			if j < len(pat) && pat[j] == ']' {
				i = j // a leading "]" is literal
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			return true
		}
	}
	return false
}

func encodeRunes(rs []rune) []byte {
	if len(rs) == 0 {
		return nil
	}
	return []byte(string(rs))
}

// portList is a parsed "ports" line: single ports and ranges.
type portList [][2]int

func (l portList) has(p int) bool {
	for _, r := range l {
		if p >= r[0] && p <= r[1] {
			return true
		}
	}
	return false
}

func parsePortList(s string) portList {
	var out portList
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				continue
			}
		}
		out = append(out, [2]int{a, b})
	}
	return out
}

// LoadNmapProbes reads the TCP probes of an nmap-service-probes file.
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
	db := &NmapDB{byName: map[string]*nmapProbe{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cur *nmapProbe
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if strings.HasPrefix(l, "Probe ") {
			cur = nil
			if !strings.HasPrefix(l, "Probe TCP ") {
				continue // UDP probes: not used
			}
			p, err := parseProbeLine(l[len("Probe TCP "):])
			if err != nil {
				return nil, fmt.Errorf("ligne %d : %w", line, err)
			}
			if _, dup := db.byName[p.name]; dup {
				continue
			}
			cur = p
			db.probes = append(db.probes, p)
			db.byName[p.name] = p
			if p.name == "NULL" {
				db.null = p
			}
			continue
		}
		if cur == nil {
			continue
		}
		key, val, _ := strings.Cut(l, " ")
		switch key {
		case "match", "softmatch":
			if m, ok := parseNmapMatch(val); ok {
				m.soft = key == "softmatch"
				cur.raw = append(cur.raw, m)
				cur.services[m.service] = true
			}
		case "ports":
			cur.ports = parsePortList(val)
		case "sslports":
			cur.sslports = parsePortList(val)
		case "rarity":
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n >= 1 && n <= 9 {
				cur.rarity = n
			}
		case "totalwaitms":
			if n, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && n > 0 && n < 600000 {
				cur.totalWait = time.Duration(n) * time.Millisecond
			}
		case "fallback":
			for _, f := range strings.Split(val, ",") {
				if f = strings.TrimSpace(f); f != "" {
					cur.fallback = append(cur.fallback, f)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if db.null == nil || len(db.null.raw) == 0 {
		return nil, fmt.Errorf("aucune ligne « match » pour la sonde NULL")
	}
	return db, nil
}

// parseProbeLine reads "NAME q|payload|[ no-payload]".
func parseProbeLine(s string) (*nmapProbe, error) {
	name, rest, ok := strings.Cut(s, " ")
	if !ok || name == "" || len(rest) < 3 || rest[0] != 'q' {
		return nil, fmt.Errorf("sonde mal formée : %q", s)
	}
	d := rest[1]
	end := strings.IndexByte(rest[2:], d)
	if end < 0 {
		return nil, fmt.Errorf("sonde %s : charge utile non terminée", name)
	}
	return &nmapProbe{name: name, payload: unescapeNmap(rest[2 : 2+end]), rarity: 5, services: map[string]bool{}}, nil
}

// unescapeNmap decodes the C-style escapes of a probe payload.
func unescapeNmap(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch s[i] {
		case '0':
			out = append(out, 0)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case 'x':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, 'x')
		default:
			out = append(out, s[i])
		}
	}
	return out
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

// compile prepares the probe's patterns: literal prefixes now, regular
// expressions on first use.
func (p *nmapProbe) compile() {
	p.once.Do(func() {
		p.matches = make([]nmapMatch, len(p.raw))
		for i, m := range p.raw {
			m.prefix = literalPrefix(m.pattern)
			m.fold = strings.Contains(m.flags, "i")
			m.lazy = &lazyRegexp{}
			p.matches[i] = m
		}
		p.raw = nil
	})
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

// NmapName is what nmap's patterns say about an answer.
type NmapName struct {
	Service, Product, Version string
	// Soft is true for a softmatch (service only, to be narrowed).
	Soft bool
	// Probe is the probe whose patterns matched.
	Probe string
}

// matchIn tries the patterns of one probe: the first hard match wins, else
// the first softmatch.
func (p *nmapProbe) matchIn(s string) (NmapName, bool) {
	p.compile()
	var soft *NmapName
	for i := range p.matches {
		m := &p.matches[i]
		if (m.soft && soft != nil) || !m.couldMatch(s) {
			continue
		}
		re := m.regexp()
		if re == nil {
			continue
		}
		sub := re.FindStringSubmatch(s)
		if sub == nil {
			continue
		}
		if m.soft {
			soft = &NmapName{Service: m.service, Soft: true, Probe: p.name}
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
		return NmapName{Service: m.service, Product: printable([]byte(fill(m.product)), 100),
			Version: printable([]byte(fill(m.version)), 60), Probe: p.name}, true
	}
	if soft != nil {
		return *soft, true
	}
	return NmapName{}, false
}

// name matches the answer to probe against its patterns, then those of its
// fallbacks, then the NULL probe's (nmap's order).
func (db *NmapDB) name(probe string, answer []byte) (NmapName, bool) {
	if db == nil || len(answer) == 0 {
		return NmapName{}, false
	}
	s := latin1(answer[:min(len(answer), 4096)])
	var soft *NmapName
	seen := map[string]bool{}
	chain := []string{probe}
	if p := db.byName[probe]; p != nil {
		chain = append(chain, p.fallback...)
	}
	chain = append(chain, "NULL")
	for _, n := range chain {
		p := db.byName[n]
		if p == nil || seen[n] {
			continue
		}
		seen[n] = true
		nm, ok := p.matchIn(s)
		if !ok {
			continue
		}
		if !nm.Soft {
			return nm, true
		}
		if soft == nil {
			soft = &nm
		}
	}
	if soft != nil {
		return *soft, true
	}
	return NmapName{}, false
}

// Match names the service behind a banner a server sent by itself with the
// NULL probe's patterns: nmap's service name, product and version (with
// $1…$9 substituted); ok false when no hard match.
func (db *NmapDB) Match(banner []byte) (service, product, version string, ok bool) {
	if db == nil || len(banner) == 0 {
		return "", "", "", false
	}
	nm, ok := db.null.matchIn(latin1(banner[:min(len(banner), 4096)]))
	if !ok || nm.Soft {
		return "", "", "", false
	}
	return nm.Service, nm.Product, nm.Version, true
}
