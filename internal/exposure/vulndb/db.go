// Package vulndb is Vigie's local vulnerability database: the CISA KEV
// catalogue (downloaded or imported into the user data directory) plus an
// embedded file of vulnerable version ranges for the products the probes can
// fingerprint. A match based only on an announced version is labelled as such.
package vulndb

import (
	"sort"
	"strings"

	"vigie/internal/exposure"
)

// DB answers "which known vulnerabilities affect this product version?".
type DB struct {
	ranges   *Ranges
	catalog  *Catalog // nil when no KEV catalogue is installed
	kev      map[string]*KEVEntry
	products map[string]int // normalised name or alias → index in ranges.Products
}

// Vuln is one CVE matching an observed product version.
type Vuln struct {
	CVE     string  `json:"cve"`
	Product string  `json:"product"`
	Version string  `json:"version"` // as observed
	CVSS    float64 `json:"cvss"`
	// Severity is the CVSS band (capped for version-only matches outside KEV),
	// raised to critical for a KEV-listed CVE on an edge device.
	Severity   exposure.Severity `json:"severity"`
	KEV        bool              `json:"kev"`
	Ransomware bool              `json:"ransomware,omitempty"`
	Edge       bool              `json:"edge,omitempty"`
	Title      string            `json:"title"` // French
	Fixed      string            `json:"fixed,omitempty"`
	Note       string            `json:"note,omitempty"`
	// Capped is true when the CVSS band was lowered by the version-only cap.
	Capped bool `json:"capped,omitempty"`
	// RequiredAction is CISA's required action when the CVE is in the installed catalogue.
	RequiredAction string `json:"required_action,omitempty"`
}

// New builds a database from the embedded ranges and an optional KEV catalogue.
func New(catalog *Catalog) (*DB, error) {
	rs, err := ParseRanges(embeddedRanges)
	if err != nil {
		return nil, err
	}
	return newDB(rs, catalog), nil
}

func newDB(rs *Ranges, catalog *Catalog) *DB {
	db := &DB{ranges: rs, catalog: catalog, products: make(map[string]int)}
	for i, p := range rs.Products {
		db.products[normName(p.Name)] = i
		for _, a := range p.Aliases {
			db.products[normName(a)] = i
		}
	}
	if catalog != nil {
		db.kev = make(map[string]*KEVEntry, len(catalog.Vulnerabilities))
		for i := range catalog.Vulnerabilities {
			e := &catalog.Vulnerabilities[i]
			db.kev[e.CVEID] = e
		}
	}
	return db
}

// Catalog returns the installed KEV catalogue, or nil.
func (db *DB) Catalog() *Catalog { return db.catalog }

// Ranges returns the embedded version ranges.
func (db *DB) Ranges() *Ranges { return db.ranges }

// KEV returns the catalogue entry of a CVE when a catalogue is installed.
func (db *DB) KEV(cve string) (KEVEntry, bool) {
	e, ok := db.kev[cve]
	if !ok {
		return KEVEntry{}, false
	}
	return *e, true
}

// Knows reports whether the product (or one of its aliases) has version ranges.
func (db *DB) Knows(product string) bool {
	_, ok := db.products[normName(product)]
	return ok
}

func normName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Match returns the vulnerabilities of product at version, most serious first.
// An unknown product or a malformed version gives no match.
func (db *DB) Match(product, version string) []Vuln {
	vs, _ := db.MatchVersion(product, version)
	return vs
}

// MatchVersion is Match that reports a malformed version as an error.
func (db *DB) MatchVersion(product, version string) ([]Vuln, error) {
	i, ok := db.products[normName(product)]
	if !ok {
		return nil, nil
	}
	v, err := ParseVersion(version)
	if err != nil {
		return nil, err
	}
	p := db.ranges.Products[i]
	var out []Vuln
	for _, spec := range p.Vulns {
		if !spec.affects(v) {
			continue
		}
		out = append(out, db.vuln(p, spec, version))
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Severity.Rank() != out[b].Severity.Rank() {
			return out[a].Severity.Rank() < out[b].Severity.Rank()
		}
		if out[a].KEV != out[b].KEV {
			return out[a].KEV
		}
		if out[a].CVSS != out[b].CVSS {
			return out[a].CVSS > out[b].CVSS
		}
		return out[a].CVE < out[b].CVE
	})
	return out, nil
}

func (s VulnSpec) affects(v Version) bool {
	for _, r := range s.Ranges {
		if r.Contains(v) {
			return true
		}
	}
	return false
}

func (db *DB) vuln(p Product, s VulnSpec, version string) Vuln {
	out := Vuln{
		CVE: s.CVE, Product: p.Name, Version: version, CVSS: s.CVSS,
		KEV: s.KEV, Edge: p.Edge, Title: s.Title, Fixed: s.Fixed, Note: s.Note,
	}
	if e, ok := db.kev[s.CVE]; ok {
		out.KEV = true
		out.Ransomware = e.Ransomware()
		out.RequiredAction = e.RequiredAction
	}
	out.Severity = CVSSBand(s.CVSS)
	if c := db.ranges.VersionOnlyCap; !out.KEV && c != "" && out.Severity.Rank() < c.Rank() {
		out.Severity = c
		out.Capped = true
	}
	if out.KEV && p.Edge {
		out.Severity = exposure.Critical
	}
	return out
}

// CVSSBand maps a CVSS base score to a severity: >= 9.0 critical, >= 7.0
// high, >= 4.0 medium, > 0 low, 0 info.
func CVSSBand(score float64) exposure.Severity {
	switch {
	case score >= 9.0:
		return exposure.Critical
	case score >= 7.0:
		return exposure.High
	case score >= 4.0:
		return exposure.Medium
	case score > 0:
		return exposure.Low
	}
	return exposure.Info
}
