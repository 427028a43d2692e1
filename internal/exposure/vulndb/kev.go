package vulndb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"vigie/internal/jsonfr"
)

// Catalog is the CISA Known Exploited Vulnerabilities catalogue (JSON feed).
type Catalog struct {
	Title           string     `json:"title"`
	CatalogVersion  string     `json:"catalogVersion"`
	DateReleased    time.Time  `json:"dateReleased"`
	Count           int        `json:"count"`
	Vulnerabilities []KEVEntry `json:"vulnerabilities"`
}

// KEVEntry is one exploited vulnerability of the catalogue.
type KEVEntry struct {
	CVEID                      string   `json:"cveID"`
	VendorProject              string   `json:"vendorProject"`
	Product                    string   `json:"product"`
	VulnerabilityName          string   `json:"vulnerabilityName"`
	DateAdded                  string   `json:"dateAdded"`
	ShortDescription           string   `json:"shortDescription"`
	RequiredAction             string   `json:"requiredAction"`
	DueDate                    string   `json:"dueDate"`
	KnownRansomwareCampaignUse string   `json:"knownRansomwareCampaignUse,omitempty"`
	Notes                      string   `json:"notes,omitempty"`
	CWEs                       []string `json:"cwes,omitempty"`
	ForensicTriage             string   `json:"forensicTriage,omitempty"`
}

// Ransomware reports whether CISA knows the CVE was used by ransomware.
func (e KEVEntry) Ransomware() bool { return e.KnownRansomwareCampaignUse == "Known" }

var (
	cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
	cwePattern = regexp.MustCompile(`^CWE-[0-9]+$`)
)

// ParseKEV decodes and validates a KEV feed. Errors name the JSON path
// (vulnerabilities[12].cveID) or the line and column of a syntax error.
func ParseKEV(data []byte) (*Catalog, error) {
	var raw struct {
		Title           string            `json:"title"`
		CatalogVersion  *string           `json:"catalogVersion"`
		DateReleased    *string           `json:"dateReleased"`
		Count           *int              `json:"count"`
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	if err := decodeStrict(data, &raw, false); err != nil {
		return nil, fmt.Errorf("catalogue KEV : %w", err)
	}
	switch {
	case raw.CatalogVersion == nil || *raw.CatalogVersion == "":
		return nil, fmt.Errorf("catalogue KEV : champ obligatoire manquant : catalogVersion")
	case raw.DateReleased == nil:
		return nil, fmt.Errorf("catalogue KEV : champ obligatoire manquant : dateReleased")
	case raw.Count == nil:
		return nil, fmt.Errorf("catalogue KEV : champ obligatoire manquant : count")
	case raw.Vulnerabilities == nil:
		return nil, fmt.Errorf("catalogue KEV : champ obligatoire manquant : vulnerabilities (ce fichier est-il bien le flux KEV de la CISA ?)")
	}
	released, err := time.Parse(time.RFC3339Nano, *raw.DateReleased)
	if err != nil {
		return nil, fmt.Errorf("catalogue KEV : dateReleased : date %q invalide (attendu AAAA-MM-JJTHH:MM:SSZ)", *raw.DateReleased)
	}
	c := &Catalog{
		Title:           raw.Title,
		CatalogVersion:  *raw.CatalogVersion,
		DateReleased:    released,
		Count:           *raw.Count,
		Vulnerabilities: make([]KEVEntry, 0, len(raw.Vulnerabilities)),
	}
	if c.Count != len(raw.Vulnerabilities) {
		return nil, fmt.Errorf("catalogue KEV : count : annonce %d vulnérabilités mais en contient %d (fichier tronqué ?)", c.Count, len(raw.Vulnerabilities))
	}
	seen := make(map[string]bool, len(raw.Vulnerabilities))
	for i, m := range raw.Vulnerabilities {
		where := fmt.Sprintf("vulnerabilities[%d]", i)
		var e KEVEntry
		if err := decodeStrict(m, &e, false); err != nil {
			return nil, fmt.Errorf("catalogue KEV : %s : %w", where, err)
		}
		if err := e.validate(); err != nil {
			return nil, fmt.Errorf("catalogue KEV : %s.%w", where, err)
		}
		if seen[e.CVEID] {
			return nil, fmt.Errorf("catalogue KEV : %s.cveID : %s apparaît deux fois", where, e.CVEID)
		}
		seen[e.CVEID] = true
		c.Vulnerabilities = append(c.Vulnerabilities, e)
	}
	return c, nil
}

// validate checks the fields the KEV schema requires; the error starts with
// the field name so the caller can prefix the path.
func (e KEVEntry) validate() error {
	req := []struct{ name, val string }{
		{"cveID", e.CVEID}, {"vendorProject", e.VendorProject}, {"product", e.Product},
		{"vulnerabilityName", e.VulnerabilityName}, {"dateAdded", e.DateAdded},
		{"shortDescription", e.ShortDescription}, {"requiredAction", e.RequiredAction},
		{"dueDate", e.DueDate},
	}
	for _, r := range req {
		if r.val == "" {
			return fmt.Errorf("%s : champ obligatoire manquant ou vide", r.name)
		}
	}
	if !cvePattern.MatchString(e.CVEID) {
		return fmt.Errorf("cveID : %q n'est pas un identifiant CVE (CVE-AAAA-NNNN)", e.CVEID)
	}
	for _, d := range []struct{ name, val string }{{"dateAdded", e.DateAdded}, {"dueDate", e.DueDate}} {
		if _, err := time.Parse(time.DateOnly, d.val); err != nil {
			return fmt.Errorf("%s : date %q invalide (attendu AAAA-MM-JJ)", d.name, d.val)
		}
	}
	for j, w := range e.CWEs {
		if !cwePattern.MatchString(w) {
			return fmt.Errorf("cwes[%d] : %q n'est pas un identifiant CWE (CWE-N)", j, w)
		}
	}
	return nil
}

// decodeStrict decodes one JSON value; unknownFields rejects fields the
// target does not declare. Errors give the line and column.
func decodeStrict(data []byte, v any, unknownFields bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if unknownFields {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return errors.New(jsonfr.Describe(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("contenu inattendu après le document JSON")
	}
	return nil
}
