// Package policy turns probe observations into findings according to a
// severity policy kept as data: an embedded default file that a user file can
// override or extend without recompiling (the nuclei "a check is data" idea).
package policy

import (
	_ "embed"
	"fmt"

	"vigie/internal/exposure"
)

//go:embed default.json
var defaultPolicy []byte

// Policy maps exposure classes to severities, French titles and remediations.
type Policy struct {
	// Version identifies the policy data (the date of the default file).
	Version string `json:"version"`
	// Description explains the policy in French.
	Description string `json:"description,omitempty"`
	// InferredCap is the highest severity an observation with confidence
	// "inferred" may get: a port alone never makes a critical.
	InferredCap Cap `json:"inferred_cap"`
	// Unknown is the rule applied to a class the policy does not list.
	Unknown Rule `json:"unknown"`
	// Rules lists one rule per exposure class.
	Rules []Rule `json:"rules"`

	byID map[string]int
}

// Cap bounds the severity of a kind of observation, with its reason.
type Cap struct {
	Severity exposure.Severity `json:"severity"`
	Why      string            `json:"why,omitempty"`
}

// Rule is what the policy says about one exposure class.
type Rule struct {
	// ID is the exposure class (e.g. "redis-noauth") and the finding id.
	ID          string            `json:"id"`
	Severity    exposure.Severity `json:"severity"`
	Category    string            `json:"category,omitempty"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Remediation string            `json:"remediation,omitempty"`
	References  []string          `json:"references,omitempty"`
	// WithVersion overrides fields of the rule when the observation carries a
	// product version (the vulnerability database then judges the version).
	WithVersion *Rule `json:"with_version,omitempty"`
}

// Default returns the embedded default policy.
func Default() (*Policy, error) {
	p, err := parse(defaultPolicy, "politique par défaut")
	if err != nil {
		return nil, err
	}
	if err := p.validate(true); err != nil {
		return nil, fmt.Errorf("politique par défaut : %w", err)
	}
	return p, nil
}

// Rule returns the rule for an exposure class and whether the policy lists it.
func (p *Policy) Rule(class string) (Rule, bool) {
	i, ok := p.byID[class]
	if !ok {
		return Rule{}, false
	}
	return p.Rules[i], true
}

// index rebuilds the class → rule lookup.
func (p *Policy) index() error {
	p.byID = make(map[string]int, len(p.Rules))
	for i, r := range p.Rules {
		if _, dup := p.byID[r.ID]; dup {
			return fmt.Errorf("rules[%d] : la règle %q est définie deux fois", i, r.ID)
		}
		p.byID[r.ID] = i
	}
	return nil
}

// validate checks every rule; complete also requires titles (the default and
// a merged policy must be complete, an override file need not be).
func (p *Policy) validate(complete bool) error {
	if err := checkSeverity(p.InferredCap.Severity, "inferred_cap.severity", complete); err != nil {
		return err
	}
	if err := checkSeverity(p.Unknown.Severity, "unknown.severity", complete); err != nil {
		return err
	}
	if complete && p.Unknown.Title == "" {
		return fmt.Errorf("unknown.title : titre manquant")
	}
	for i, r := range p.Rules {
		where := fmt.Sprintf("rules[%d]", i)
		if r.ID == "" {
			return fmt.Errorf("%s.id : identifiant manquant", where)
		}
		if !validID(r.ID) {
			return fmt.Errorf("%s.id : identifiant %q invalide (lettres minuscules, chiffres, « - » ou « _ »)", where, r.ID)
		}
		if err := checkSeverity(r.Severity, where+".severity", complete); err != nil {
			return err
		}
		if complete && r.Title == "" {
			return fmt.Errorf("%s.title : titre manquant pour la règle %q", where, r.ID)
		}
		if w := r.WithVersion; w != nil {
			if w.ID != "" || w.WithVersion != nil {
				return fmt.Errorf("%s.with_version : id et with_version ne peuvent pas y être redéfinis", where)
			}
			if err := checkSeverity(w.Severity, where+".with_version.severity", false); err != nil {
				return err
			}
		}
	}
	return p.index()
}

func checkSeverity(s exposure.Severity, where string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if s.Rank() >= len(exposure.Severities) {
		return fmt.Errorf("%s : sévérité %q inconnue (attendu critical, high, medium, low ou info)", where, string(s))
	}
	return nil
}

func validID(id string) bool {
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return id != ""
}
