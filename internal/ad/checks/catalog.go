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

// Entry is the data of one control point.
type Entry struct {
	Grades      []int              `json:"grades"`
	Title       string             `json:"title"`
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

// Catalog holds every control point's data by ID.
type Catalog struct {
	Entries map[string]Entry
}

// DefaultCatalog returns the embedded catalogue.
func DefaultCatalog() (*Catalog, error) {
	return parseCatalog(catalogJSON, "catalogue intégré")
}

func parseCatalog(b []byte, where string) (*Catalog, error) {
	var m map[string]Entry
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s : JSON invalide : %w", where, err)
	}
	for id, e := range m {
		if len(e.Grades) == 0 {
			return nil, fmt.Errorf("%s, %s : liste de niveaux (grades) vide", where, id)
		}
		for _, g := range e.Grades {
			if g < 1 || g > 4 {
				return nil, fmt.Errorf("%s, %s : niveau %d invalide (1 à 4)", where, id, g)
			}
		}
	}
	return &Catalog{Entries: m}, nil
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
		e, ok := c.Entries[id]
		if !ok {
			return fmt.Errorf("%s : point de contrôle %q inconnu", path, id)
		}
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
		if len(e.Grades) == 0 {
			return fmt.Errorf("%s, %s : liste de niveaux (grades) vide", path, id)
		}
		for _, g := range e.Grades {
			if g < 1 || g > 4 {
				return fmt.Errorf("%s, %s : niveau %d invalide (1 à 4)", path, id, g)
			}
		}
		c.Entries[id] = e
	}
	return nil
}
