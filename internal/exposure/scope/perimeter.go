// Package scope reads the declared perimeter of an exposure audit, resolves
// its names, expands its networks and guards the scanner: an address outside
// the perimeter is reported as a candidate, never scanned.
package scope

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"

	"vigie/internal/exposure"
)

// MaxLineLength bounds one line of a perimeter file.
const MaxLineLength = 4096

// MaxEntries bounds the number of entries of a perimeter file.
const MaxEntries = 100000

// Perimeter is a parsed perimeter file: what the establishment declared.
type Perimeter struct {
	Entities []string
	// Domains cover the name and all its subdomains.
	Domains []string
	// Hosts are single names (resolved; their addresses are in scope unless a
	// network list restricts them).
	Hosts []string
	// Networks are the declared addresses and prefixes (plain addresses become /32 or /128).
	Networks []netip.Prefix
	// ASNs carry the prefixes the user gave for them.
	ASNs []exposure.ASN
	// Excludes are addresses and prefixes never scanned.
	Excludes []netip.Prefix
	// within is the declared perimeter when this one only holds the targets
	// of a partial run (see Restrict).
	within *Perimeter
}

// ParseFile reads a perimeter file (format in docs/perimeter.md).
func ParseFile(path string) (*Perimeter, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fichier de périmètre %s : %w", path, err)
	}
	defer f.Close()
	p, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("fichier de périmètre %s : %w", path, err)
	}
	return p, nil
}

var (
	labelRe  = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)
	finessRe = regexp.MustCompile(`^[0-9][0-9AB][0-9]{7}$`)
)

// Parse reads a perimeter in the line format: "kind value…", '#' starts a comment.
// Kinds: entity, domain, host, net (address or CIDR), asn (ASn then prefixes),
// exclude. A line with a single bare value is classified by its shape.
func Parse(r io.Reader) (*Perimeter, error) {
	p := &Perimeter{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), MaxLineLength)
	n, entries := 0, 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(string(line))
		if len(fields) == 0 {
			continue
		}
		entries++
		if entries > MaxEntries {
			return nil, fmt.Errorf("ligne %d : plus de %d entrées", n, MaxEntries)
		}
		if err := p.addLine(fields); err != nil {
			return nil, fmt.Errorf("ligne %d : %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, fmt.Errorf("ligne %d : ligne trop longue (plus de %d octets)", n+1, MaxLineLength)
		}
		return nil, fmt.Errorf("lecture : %w", err)
	}
	if p.Empty() {
		return nil, fmt.Errorf("périmètre vide : aucun domaine, hôte, réseau ni ASN déclaré")
	}
	return p, nil
}

// Empty reports whether nothing scannable was declared.
func (p *Perimeter) Empty() bool {
	return len(p.Domains) == 0 && len(p.Hosts) == 0 && len(p.Networks) == 0 && len(p.ASNs) == 0
}

func (p *Perimeter) addLine(f []string) error {
	kind := strings.ToLower(f[0])
	args := f[1:]
	switch kind {
	case "entity", "entite", "entité", "finess":
		for _, a := range args {
			if !finessRe.MatchString(a) {
				return fmt.Errorf("numéro FINESS invalide %q (9 caractères attendus)", a)
			}
			p.Entities = append(p.Entities, a)
		}
	case "domain", "domaine":
		for _, a := range args {
			d, err := NormalizeName(a)
			if err != nil {
				return err
			}
			p.Domains = append(p.Domains, d)
		}
	case "host", "hote", "hôte":
		for _, a := range args {
			h, err := NormalizeName(a)
			if err != nil {
				return err
			}
			p.Hosts = append(p.Hosts, h)
		}
	case "net", "network", "reseau", "réseau":
		for _, a := range args {
			pf, err := ParsePrefix(a)
			if err != nil {
				return err
			}
			p.Networks = append(p.Networks, pf)
		}
	case "exclude", "exclure":
		for _, a := range args {
			pf, err := ParsePrefix(a)
			if err != nil {
				return err
			}
			p.Excludes = append(p.Excludes, pf)
		}
	case "asn":
		if len(args) < 2 {
			return fmt.Errorf("« asn » attend un numéro puis au moins un préfixe (ex. asn AS64500 192.0.2.0/24)")
		}
		num, err := ParseASN(args[0])
		if err != nil {
			return err
		}
		a := exposure.ASN{Number: num}
		for _, s := range args[1:] {
			pf, err := ParsePrefix(s)
			if err != nil {
				return err
			}
			a.Prefixes = append(a.Prefixes, pf.String())
		}
		p.ASNs = append(p.ASNs, a)
	default:
		if len(f) != 1 {
			return fmt.Errorf("type d'entrée inconnu %q (attendu : entity, domain, host, net, asn, exclude)", f[0])
		}
		return p.AddTarget(f[0])
	}
	if len(args) == 0 {
		return fmt.Errorf("« %s » sans valeur", kind)
	}
	return nil
}

// AddTarget adds one bare value: an address or CIDR becomes a network, a name a host.
func (p *Perimeter) AddTarget(s string) error {
	if strings.ContainsAny(s, ":/") || isDigitsAndDots(s) {
		pf, err := ParsePrefix(s)
		if err != nil {
			return err
		}
		p.Networks = append(p.Networks, pf)
		return nil
	}
	h, err := NormalizeName(s)
	if err != nil {
		return err
	}
	p.Hosts = append(p.Hosts, h)
	return nil
}

func isDigitsAndDots(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return s != ""
}

// ParsePrefix reads an address or a CIDR; the prefix is masked.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("réseau invalide %q (CIDR attendu, ex. 192.0.2.0/24)", s)
		}
		if pf.Addr().Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("réseau invalide %q : zone IPv6 non admise", s)
		}
		return pf.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("adresse IP invalide %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ParseASN reads "AS64500" or "64500".
func ParseASN(s string) (uint32, error) {
	t := strings.TrimPrefix(strings.ToUpper(s), "AS")
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("numéro d'AS invalide %q (ex. AS64500)", s)
	}
	return uint32(n), nil
}

// NormalizeName lower-cases a DNS name, strips the final dot and checks its syntax.
func NormalizeName(s string) (string, error) {
	n := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if n == "" || len(n) > 253 {
		return "", fmt.Errorf("nom DNS invalide %q", s)
	}
	for _, l := range strings.Split(n, ".") {
		if !labelRe.MatchString(l) {
			return "", fmt.Errorf("nom DNS invalide %q (étiquette %q)", s, l)
		}
	}
	return n, nil
}

// Model converts the perimeter to the audit model.
func (p *Perimeter) Model() exposure.Perimeter {
	m := exposure.Perimeter{
		Entities: p.Entities,
		Domains:  p.Domains,
		Hosts:    p.Hosts,
		ASNs:     p.ASNs,
	}
	for _, n := range p.Networks {
		m.Networks = append(m.Networks, n.String())
	}
	return m
}

// Prefixes returns the declared networks and ASN prefixes.
func (p *Perimeter) Prefixes() []netip.Prefix {
	out := append([]netip.Prefix(nil), p.Networks...)
	for _, a := range p.ASNs {
		for _, s := range a.Prefixes {
			if pf, err := netip.ParsePrefix(s); err == nil {
				out = append(out, pf.Masked())
			}
		}
	}
	return out
}
