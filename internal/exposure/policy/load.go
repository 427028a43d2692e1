package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
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
		return nil, fmt.Errorf("%s : %s", name, describeJSONError(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s : contenu inattendu après le document JSON", name)
	}
	return &p, nil
}

// describeJSONError turns a decoding error into a French message with a position.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		l, c := lineCol(data, syn.Offset)
		return fmt.Sprintf("JSON invalide ligne %d, colonne %d : %v", l, c, syn)
	case errors.As(err, &typ):
		l, c := lineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "racine du document JSON"
		}
		return fmt.Sprintf("ligne %d, colonne %d : %s : attendu %s, trouvé %s", l, c, field, kindFR(typ.Type.Kind()), valueFR(typ.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "document JSON vide ou tronqué"
	}
	return fmt.Sprintf("JSON invalide : %v", err)
}

func lineCol(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// kindFR names a Go kind the way a JSON user understands it.
func kindFR(k reflect.Kind) string {
	switch k {
	case reflect.Struct, reflect.Map:
		return "un objet"
	case reflect.Slice, reflect.Array:
		return "un tableau"
	case reflect.String:
		return "une chaîne"
	case reflect.Bool:
		return "un booléen"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "un entier"
	case reflect.Float32, reflect.Float64:
		return "un nombre"
	}
	return "une autre valeur"
}

// valueFR names the JSON value kind reported by encoding/json.
func valueFR(v string) string {
	switch {
	case v == "object":
		return "un objet"
	case v == "array":
		return "un tableau"
	case v == "string":
		return "une chaîne"
	case v == "bool":
		return "un booléen"
	case strings.HasPrefix(v, "number"):
		return "un nombre (" + v + ")"
	}
	return v
}
