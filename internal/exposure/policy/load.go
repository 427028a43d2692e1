package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"vigie/internal/jsonfr"
)

// Load returns the default policy with the user file at path merged over it:
// a rule with a known id replaces the fields it sets, a new id adds a rule,
// and inferred_cap / unknown replace the fields they set.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lecture de la politique %s : %w", path, err)
	}
	return Merge(data, path)
}

// Merge applies an override document (same format as the default file) over
// the default policy; name labels error messages.
func Merge(data []byte, name string) (*Policy, error) {
	base, err := Default()
	if err != nil {
		return nil, err
	}
	over, err := parse(data, name)
	if err != nil {
		return nil, err
	}
	if err := over.validate(false); err != nil {
		return nil, fmt.Errorf("%s : %w", name, err)
	}
	if over.Version != "" {
		base.Version = base.Version + "+" + over.Version
	} else {
		base.Version = base.Version + "+" + name
	}
	if over.InferredCap.Severity != "" {
		base.InferredCap.Severity = over.InferredCap.Severity
	}
	if over.InferredCap.Why != "" {
		base.InferredCap.Why = over.InferredCap.Why
	}
	base.Unknown = mergeRule(base.Unknown, over.Unknown)
	for _, r := range over.Rules {
		if i, ok := base.byID[r.ID]; ok {
			base.Rules[i] = mergeRule(base.Rules[i], r)
			continue
		}
		base.Rules = append(base.Rules, r)
		base.byID[r.ID] = len(base.Rules) - 1
	}
	if err := base.validate(true); err != nil {
		return nil, fmt.Errorf("%s (après fusion avec la politique par défaut) : %w", name, err)
	}
	return base, nil
}

// mergeRule overwrites the fields of r that o sets.
func mergeRule(r, o Rule) Rule {
	if o.Severity != "" {
		r.Severity = o.Severity
	}
	if o.Category != "" {
		r.Category = o.Category
	}
	if o.Title != "" {
		r.Title = o.Title
	}
	if o.Description != "" {
		r.Description = o.Description
	}
	if o.Remediation != "" {
		r.Remediation = o.Remediation
	}
	if o.References != nil {
		r.References = o.References
	}
	if o.WithVersion != nil {
		if r.WithVersion == nil {
			r.WithVersion = o.WithVersion
		} else {
			w := mergeRule(*r.WithVersion, *o.WithVersion)
			r.WithVersion = &w
		}
	}
	return r
}

// parse decodes a policy document strictly; errors name the line and column.
func parse(data []byte, name string) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s : %s", name, jsonfr.Describe(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s : contenu inattendu après le document JSON", name)
	}
	return &p, nil
}
