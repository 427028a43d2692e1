package dossier

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

var knownTop = map[string]bool{
	"$schema": true, "format": true, "wave": true, "ght": true, "entities": true, "prerequisites": true,
	"directories": true, "ad_audits": true, "exposure_audits": true, "exercises": true, "osis": true,
	"budget": true, "governance": true, "governance_history": true, "dossier": true,
}

// decode reads the file into its raw form, collecting decoding errors. It
// returns nil when the file cannot be read as a dossier at all (not JSON,
// not an object, wrong format): nothing else would make sense then.
func (v *validator) decode(data []byte) *raw {
	var top map[string]json.RawMessage
	if err := strictDecode(data, &top); err != nil {
		v.add(jsonErr("", data, err))
		return nil
	}
	if top == nil {
		v.fail("", "un objet JSON est attendu")
		return nil
	}
	d := &raw{}
	if !field(v, top, "format", &d.Format) {
		return nil
	}
	switch {
	case d.Format == "":
		v.fail("format", "champ obligatoire (attendu %q)", Format)
		return nil
	case !strings.HasPrefix(d.Format, Format):
		v.fail("format", "version %q non prise en charge (attendu %q)", d.Format, Format)
		return nil
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !knownTop[k] {
			v.fail(k, "champ inconnu")
		}
	}
	field(v, top, "wave", &d.Wave)
	field(v, top, "ght", &d.GHT)
	field(v, top, "dossier", &d.Dossier)
	d.Entities = list[rawEntity](v, top, "entities", &d.brokenEntities)
	d.Prerequisites = list[rawPrerequisite](v, top, "prerequisites", nil)
	d.Directories = list[rawDirectory](v, top, "directories", &d.brokenDirectories)
	d.ADAudits = list[rawADAudit](v, top, "ad_audits", nil)
	d.ExposureAudits = list[rawExposure](v, top, "exposure_audits", nil)
	d.Exercises = list[rawExercise](v, top, "exercises", nil)
	d.OSIS = list[rawOSIS](v, top, "osis", nil)
	d.Budget = list[rawBudget](v, top, "budget", nil)
	d.Governance = governanceRecords(v, top)
	return d
}

// field decodes one top-level member when present; it reports success.
func field(v *validator, top map[string]json.RawMessage, name string, dst any) bool {
	b, ok := top[name]
	if !ok || string(b) == "null" {
		return true
	}
	if err := strictDecode(b, dst); err != nil {
		v.add(jsonErr(name, b, err))
		return false
	}
	return true
}

// item is one element of a list with its JSON path.
type item[T any] struct {
	path string
	val  T
}

// list decodes an array member element by element, so that each error
// carries its index and the other elements are still checked. broken, when
// given, is set if an element could not be read.
func list[T any](v *validator, top map[string]json.RawMessage, name string, broken *bool) []item[T] {
	b, ok := top[name]
	if !ok || string(b) == "null" {
		return nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		v.fail(name, "une liste est attendue")
		if broken != nil {
			*broken = true
		}
		return nil
	}
	return elements[T](v, name, elems, broken)
}

// elements decodes the elements of a list found at path.
func elements[T any](v *validator, path string, elems []json.RawMessage, broken *bool) []item[T] {
	out := make([]item[T], 0, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		var x T
		if err := strictDecode(e, &x); err != nil {
			v.add(jsonErr(p, e, err))
			if broken != nil {
				*broken = true
			}
			continue
		}
		out = append(out, item[T]{path: p, val: x})
	}
	return out
}

// governanceRecords reads "governance" (one record, or a list of dated
// records) and "governance_history" (the other records, as Vigie writes
// them).
func governanceRecords(v *validator, top map[string]json.RawMessage) []item[rawGovernance] {
	var out []item[rawGovernance]
	if b, ok := top["governance"]; ok && string(b) != "null" {
		if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "[") {
			out = append(out, list[rawGovernance](v, top, "governance", nil)...)
		} else {
			var g rawGovernance
			if err := strictDecode(b, &g); err != nil {
				v.add(jsonErr("governance", b, err))
			} else {
				out = append(out, item[rawGovernance]{path: "governance", val: g})
			}
		}
	}
	return append(out, list[rawGovernance](v, top, "governance_history", nil)...)
}
