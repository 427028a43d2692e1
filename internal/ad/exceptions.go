package ad

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Exception is an accepted risk: a control point on one object (or "*"
// for all its objects), justified, until an expiry date (inclusive).
type Exception struct {
	ID            string `json:"id"`
	DN            string `json:"dn"`
	Justification string `json:"justification"`
	Expires       string `json:"expires"` // YYYY-MM-DD
	expires       time.Time
}

// ExceptionUse reports what became of each exception in an analysis.
type ExceptionUse struct {
	Exception
	Status  string `json:"status"` // "appliquée", "expirée", "sans objet"
	Matches int    `json:"matches"`
}

// LoadExceptions reads a JSON array of exceptions and validates each one.
func LoadExceptions(path string) ([]Exception, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lire le fichier d'exceptions %s : %w", path, err)
	}
	return ParseExceptions(b, path)
}

// ParseExceptions parses and validates exceptions; where names the source
// in error messages.
func ParseExceptions(b []byte, where string) ([]Exception, error) {
	var list []Exception
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s : JSON invalide (tableau d'exceptions attendu) : %w", where, err)
	}
	for i := range list {
		e := &list[i]
		at := fmt.Sprintf("%s, exception n°%d", where, i+1)
		if !strings.HasPrefix(e.ID, "vuln_") {
			return nil, fmt.Errorf("%s : identifiant %q invalide (vuln_… attendu)", at, e.ID)
		}
		if strings.TrimSpace(e.DN) == "" {
			return nil, fmt.Errorf("%s : champ dn vide (un DN ou « * »)", at)
		}
		if strings.TrimSpace(e.Justification) == "" {
			return nil, fmt.Errorf("%s : justification obligatoire", at)
		}
		t, err := time.Parse("2006-01-02", e.Expires)
		if err != nil {
			return nil, fmt.Errorf("%s : date d'expiration %q invalide (AAAA-MM-JJ attendu)", at, e.Expires)
		}
		e.expires = t
	}
	return list, nil
}

// active reports whether the exception is still valid at now (the expiry
// day included).
func (e *Exception) active(now time.Time) bool {
	if e.expires.IsZero() {
		t, err := time.Parse("2006-01-02", e.Expires)
		if err != nil {
			return false
		}
		e.expires = t
	}
	return now.Before(e.expires.AddDate(0, 0, 1))
}

func (e *Exception) matches(id, dn string) bool {
	return e.ID == id && (e.DN == "*" || strings.EqualFold(strings.TrimSpace(e.DN), strings.TrimSpace(dn)))
}
