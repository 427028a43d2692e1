package checks

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

//go:embed catalog.json
var catalogJSON []byte

// advisoriesJSON holds ANSSI's warnings (warning_*) and informations
// (info_*): published with the checklist, they never change the level.
//
//go:embed advisories.json
var advisoriesJSON []byte

// Kinds of catalogue entries besides the control points.
const (
	// KindWarning is an ANSSI warning (warning_*): a configuration to
	// review, with an indicative grade, outside the level.
	KindWarning = "warning"
	// KindInfo is an ANSSI information (info_*): an inventory, no grade.
	KindInfo = "info"
)

// Entry is the data of one control point, warning or information.
type Entry struct {
	// Kind is empty for the 76 control points, KindWarning or KindInfo
	// for the advisories.
	Kind string `json:"kind,omitempty"`
	// Grades are the grades a control point fails with; for a warning,
	// ANSSI's indicative grades (they never enter the level).
	Grades      []int              `json:"grades"`
	Title       string             `json:"title"`
	Description string             `json:"description,omitempty"`
	Remediation string             `json:"remediation"`
	Params      map[string]float64 `json:"params,omitempty"`
	// Limits states what the implementation does not cover (shown in reports).
	Limits   string `json:"limits,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
}

// HasGrade reports whether g is one of the entry's grades.
func (e Entry) HasGrade(g int) bool {
	for _, x := range e.Grades {
		if x == g {
			return true
		}
	}
	return false
}

// Catalog holds every control point's data by ID, and apart the ANSSI
// warnings and informations, which never change the level.
type Catalog struct {
	Entries    map[string]Entry
	Advisories map[string]Entry
}

// DefaultCatalog returns the embedded catalogue.
func DefaultCatalog() (*Catalog, error) {
	entries, err := parseEntries(catalogJSON, "catalogue intégré")
	if err != nil {
		return nil, err
	}
	advisories, err := parseEntries(advisoriesJSON, "catalogue intégré des avertissements")
	if err != nil {
		return nil, err
	}
	return &Catalog{Entries: entries, Advisories: advisories}, nil
}

// parseEntries reads a catalogue file (control points or advisories) and
// checks each entry; where names the file in errors.
func parseEntries(b []byte, where string) (map[string]Entry, error) {
	var m map[string]Entry
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s : JSON invalide : %w", where, err)
	}
	for id, e := range m {
		if err := validEntry(e, id, where); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// validEntry checks the kind and grades of an entry: a control point and
// a warning have grades 1 to 4, an information none.
func validEntry(e Entry, id, where string) error {
	switch e.Kind {
	case "":
		if len(e.Grades) == 0 {
			return fmt.Errorf("%s, %s : liste de niveaux (grades) vide", where, id)
		}
	case KindWarning:
		if len(e.Grades) == 0 {
			return fmt.Errorf("%s, %s : avertissement sans niveau indicatif (grades)", where, id)
		}
	case KindInfo:
		if len(e.Grades) > 0 {
			return fmt.Errorf("%s, %s : une information n'a pas de niveau (grades)", where, id)
		}
	default:
		return fmt.Errorf("%s, %s : nature %q inconnue (warning ou info)", where, id, e.Kind)
	}
	for _, g := range e.Grades {
		if g < 1 || g > 4 {
			return fmt.Errorf("%s, %s : niveau %d invalide (1 à 4)", where, id, g)
		}
	}
	return nil
}

// LoadOverrides reads a user file (same JSON shape as the embedded
// catalogue, any subset of fields) and merges it over c. Unknown IDs are an
// error, so that a typo never silently disables nothing.
func (c *Catalog) LoadOverrides(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("lire %s : %w", path, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s : JSON invalide : %w", path, err)
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		entries := c.Entries
		e, ok := entries[id]
		if !ok {
			entries = c.Advisories
			e, ok = entries[id]
		}
		if !ok {
			return fmt.Errorf("%s : point de contrôle %q inconnu", path, id)
		}
		kind := e.Kind
		params := e.Params
		e.Params = nil
		if err := json.Unmarshal(m[id], &e); err != nil {
			return fmt.Errorf("%s, %s : %w", path, id, err)
		}
		merged := map[string]float64{}
		for k, v := range params {
			merged[k] = v
		}
		for k, v := range e.Params {
			merged[k] = v
		}
		e.Params = merged
		if e.Kind != kind {
			return fmt.Errorf("%s, %s : la nature d'un point (kind) ne se change pas", path, id)
		}
		if err := validEntry(e, id, path); err != nil {
			return err
		}
		entries[id] = e
	}
	return nil
}
