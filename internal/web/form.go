package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"vigie/internal/civil"
)

// field is one input of a generic form (budget, oSIS): what to show and
// what was typed, with its French error.
type field struct {
	Name, Label, Help string
	// Kind is "number", "yesno", "date", "text", "textarea" or "measure"
	// (an oSIS checklist row).
	Kind string
	// Group, when set, opens a titled group of fields before this one;
	// GroupEnd closes it after.
	Group    string
	GroupEnd bool
	Required bool
	Value    string
	Err      string
}

// form is a generic record form.
type form struct {
	Title, Intro, Action, Submit string
	At                           string
	Fields                       []*field
	// Note replaces "all fields are required" when some are optional.
	Note string
}

// errCount counts the refused fields.
func (f *form) errCount() int {
	n := 0
	for _, x := range f.Fields {
		if x.Err != "" {
			n++
		}
	}
	return n
}

// Bad lists the refused fields, for the error summary.
func (f *form) Bad() []*field {
	var out []*field
	for _, x := range f.Fields {
		if x.Err != "" {
			out = append(out, x)
		}
	}
	return out
}

// get returns a field by name.
func (f *form) get(name string) *field {
	for _, x := range f.Fields {
		if x.Name == name {
			return x
		}
	}
	return &field{Name: name} // unknown name: a detached field, never shown
}

// fill copies the submitted values into the fields.
func (f *form) fill(values func(string) string) {
	for _, x := range f.Fields {
		x.Value = strings.TrimSpace(values(x.Name))
	}
}

// number reads a decimal number (comma or point) within [min, max]; ok is
// false when the field is empty or refused.
func (f *form) number(name string, min, max float64) (float64, bool) {
	x := f.get(name)
	if x.Value == "" {
		if x.Required {
			x.Err = "valeur obligatoire"
		}
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(x.Value, " ", ""), ",", ".", 1), 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		x.Err = fmt.Sprintf("« %s » n'est pas un nombre (exemple : 2,5)", x.Value)
	case v < min || v > max:
		x.Err = fmt.Sprintf("valeur attendue entre %s et %s", frNum(min), frNum(max))
	default:
		return v, true
	}
	return 0, false
}

// integer reads a whole number within [min, max].
func (f *form) integer(name string, min, max int) (int, bool) {
	x := f.get(name)
	if x.Value == "" {
		if x.Required {
			x.Err = "valeur obligatoire"
		}
		return 0, false
	}
	v, err := strconv.Atoi(x.Value)
	switch {
	case err != nil:
		x.Err = fmt.Sprintf("« %s » n'est pas un nombre entier", x.Value)
	case v < min || v > max:
		x.Err = fmt.Sprintf("valeur attendue entre %d et %d", min, max)
	default:
		return v, true
	}
	return 0, false
}

// yesNo reads an oui/non field.
func (f *form) yesNo(name string) (bool, bool) {
	x := f.get(name)
	switch x.Value {
	case "oui":
		return true, true
	case "non":
		return false, true
	case "":
		x.Err = "répondez par oui ou non"
	default:
		x.Err = "valeur invalide : oui ou non attendu"
	}
	return false, false
}

// frNum prints a number the French way.
func frNum(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

// declaredOn is the field that dates a declaration entered by hand: the
// latest record by its own date decides, and a record dated after a
// wave's deadline never counts for that wave.
const declaredOn = "date_declaration"

// declaredOnField is the declaredOn field, filled with def (AAAA-MM-JJ).
func declaredOnField(def civil.Date) *field {
	return &field{Name: declaredOn, Label: "Date de la déclaration", Kind: "date", Required: true, Value: def.String(),
		Help: "Le jour où la déclaration a été faite (aujourd'hui par défaut). Une déclaration faite après la date limite d'une vague ne compte pas pour cette vague."}
}

// date reads a date (AAAA-MM-JJ or JJ/MM/AAAA) from 2000 to today; a
// date read is written back AAAA-MM-JJ, the form a date input shows when
// the form comes back with errors. future, when set, ends the message of
// a date in the future (what to do instead).
func (f *form) date(name string, today civil.Date, future string) (civil.Date, bool) {
	x := f.get(name)
	if x.Value == "" {
		if x.Required {
			x.Err = "date obligatoire"
		}
		return civil.Date{}, false
	}
	d, err := civil.ParseInput(x.Value)
	if err == nil {
		x.Value = d.String()
	}
	switch {
	case err != nil:
		x.Err = fmt.Sprintf("« %s » n'est pas une date valide (attendu JJ/MM/AAAA)", x.Value)
	case d.Year < 2000:
		x.Err = "date antérieure à l'an 2000"
	case d.After(today):
		x.Err = fmt.Sprintf("date dans le futur (aujourd'hui : %s)", today.French())
		if future != "" {
			x.Err += " : " + future
		}
	default:
		return d, true
	}
	return civil.Date{}, false
}
