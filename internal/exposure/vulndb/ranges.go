package vulndb

import (
	_ "embed"
	"fmt"
	"strings"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

//go:embed ranges.json
var embeddedRanges []byte

// Ranges is the data file of vulnerable version ranges per product.
type Ranges struct {
	Version      string `json:"version"`
	Description  string `json:"description,omitempty"`
	SeverityRule string `json:"severity_rule,omitempty"`
	// VersionOnlyCap is the highest severity of a version-only match of a CVE
	// absent from KEV (empty: no cap).
	VersionOnlyCap exposure.Severity `json:"version_only_cap,omitempty"`
	Products       []Product         `json:"products"`
}

// Product is a product as the probes report it, with its vulnerabilities.
type Product struct {
	// Name is the product name probes report (e.g. "OpenSSH", "Fortinet FortiOS").
	Name    string   `json:"product"`
	Aliases []string `json:"aliases,omitempty"`
	Vendor  string   `json:"vendor,omitempty"`
	// Edge marks perimeter devices (VPN, firewall, mail gateway): a KEV-listed
	// CVE on them is always critical.
	Edge  bool       `json:"edge,omitempty"`
	Vulns []VulnSpec `json:"vulns"`
}

// VulnSpec is one CVE and the versions of the product it affects.
type VulnSpec struct {
	CVE   string  `json:"cve"`
	CVSS  float64 `json:"cvss"`
	Title string  `json:"title"`
	// KEV records that the CVE is in CISA's catalogue (checked against the
	// snapshot by test; an installed catalogue can add more).
	KEV    bool    `json:"kev,omitempty"`
	Fixed  string  `json:"fixed,omitempty"`
	Note   string  `json:"note,omitempty"`
	Ranges []Range `json:"ranges"`
}

// Range is one interval of affected versions; empty bounds are open.
type Range struct {
	From   string `json:"from,omitempty"`    // inclusive
	To     string `json:"to,omitempty"`      // exclusive
	ToIncl string `json:"to_incl,omitempty"` // inclusive
	Exact  string `json:"exact,omitempty"`

	from, to, toIncl, exact *Version
}

// Contains reports whether v falls in the range.
func (r Range) Contains(v Version) bool {
	if r.exact != nil {
		return v.Compare(*r.exact) == 0
	}
	if r.from != nil && v.Compare(*r.from) < 0 {
		return false
	}
	if r.to != nil && v.Compare(*r.to) >= 0 {
		return false
	}
	if r.toIncl != nil && v.Compare(*r.toIncl) > 0 {
		return false
	}
	return true
}

// ParseRanges decodes and checks a ranges file; errors name the JSON path.
func ParseRanges(data []byte) (*Ranges, error) {
	var rs Ranges
	if err := decodeStrict(data, &rs, true); err != nil {
		return nil, fmt.Errorf("intervalles de versions : %w", err)
	}
	if rs.VersionOnlyCap != "" && rs.VersionOnlyCap.Rank() >= len(exposure.Severities) {
		return nil, fmt.Errorf("intervalles de versions : version_only_cap : sévérité %q inconnue", rs.VersionOnlyCap)
	}
	for i := range rs.Products {
		p := &rs.Products[i]
		pw := fmt.Sprintf("products[%d]", i)
		if strings.TrimSpace(p.Name) == "" {
			return nil, fmt.Errorf("intervalles de versions : %s.product : nom manquant", pw)
		}
		for j := range p.Vulns {
			vs := &p.Vulns[j]
			vw := fmt.Sprintf("%s.vulns[%d]", pw, j)
			if !cvePattern.MatchString(vs.CVE) {
				return nil, fmt.Errorf("intervalles de versions : %s.cve : %q n'est pas un identifiant CVE", vw, vs.CVE)
			}
			if vs.CVSS < 0 || vs.CVSS > 10 {
				return nil, fmt.Errorf("intervalles de versions : %s.cvss : %s hors de l'intervalle 0–10", vw, french.Decimal(vs.CVSS, 6))
			}
			if len(vs.Ranges) == 0 {
				return nil, fmt.Errorf("intervalles de versions : %s.ranges : aucun intervalle", vw)
			}
			for k := range vs.Ranges {
				if err := vs.Ranges[k].compile(); err != nil {
					return nil, fmt.Errorf("intervalles de versions : %s.ranges[%d] : %w", vw, k, err)
				}
			}
		}
	}
	return &rs, nil
}

func (r *Range) compile() error {
	set := func(field, s string, dst **Version) error {
		if s == "" {
			return nil
		}
		v, err := ParseVersion(s)
		if err != nil {
			return fmt.Errorf("%s : %w", field, err)
		}
		*dst = &v
		return nil
	}
	if r.Exact != "" && (r.From != "" || r.To != "" || r.ToIncl != "") {
		return fmt.Errorf("exact ne se combine pas avec from/to/to_incl")
	}
	if r.To != "" && r.ToIncl != "" {
		return fmt.Errorf("to et to_incl sont exclusifs")
	}
	if r.Exact == "" && r.From == "" && r.To == "" && r.ToIncl == "" {
		return fmt.Errorf("intervalle vide (toutes les versions) refusé")
	}
	for _, f := range []struct {
		name, s string
		dst     **Version
	}{{"from", r.From, &r.from}, {"to", r.To, &r.to}, {"to_incl", r.ToIncl, &r.toIncl}, {"exact", r.Exact, &r.exact}} {
		if err := set(f.name, f.s, f.dst); err != nil {
			return err
		}
	}
	if r.from != nil && r.to != nil && r.from.Compare(*r.to) >= 0 {
		return fmt.Errorf("from %q n'est pas avant to %q", r.From, r.To)
	}
	return nil
}
