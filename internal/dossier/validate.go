package dossier

import (
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// validator collects every input error (up to MaxErrors) while the raw
// file is turned into facts.
type validator struct {
	errs []*Error
	more int
	cat  *care.Catalogue
	wave *care.Wave // nil when the wave is unknown
	// entities of the dossier, by FINESS; broken: an entity element could
	// not be read, so unknown references are not reported.
	entities map[org.FINESS]*org.Entity
	broken   bool
}

func (v *validator) add(e *Error) {
	if len(v.errs) < MaxErrors {
		v.errs = append(v.errs, e)
	} else {
		v.more++
	}
}

func (v *validator) fail(path, format string, a ...any) { v.add(errAt(path, format, a...)) }

// finess parses a FINESS number; ok is false (and the error recorded) when
// it is missing or invalid.
func (v *validator) finess(path, s string) (org.FINESS, bool) {
	if s == "" {
		v.fail(path, "numéro FINESS obligatoire")
		return "", false
	}
	f, err := org.ParseFINESS(s)
	if err != nil {
		v.fail(path, "%s", err.Error())
		return "", false
	}
	return f, true
}

// known checks that a FINESS refers to an entity of the dossier.
func (v *validator) known(path, s string) org.FINESS {
	f, ok := v.finess(path, s)
	if ok && v.entities[f] == nil && !v.broken {
		v.fail(path, "l'entité %s n'est pas déclarée dans « entities »", f)
	}
	return f
}

func (v *validator) date(path, s string, required bool) civil.Date {
	if s == "" {
		if required {
			v.fail(path, "date obligatoire (AAAA-MM-JJ)")
		}
		return civil.Date{}
	}
	d, err := civil.Parse(s)
	if err != nil {
		v.fail(path, "%s", err.Error())
	}
	return d
}

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.fail(path, "champ obligatoire")
	}
}

// checkWave finds the wave in the catalogue.
func (v *validator) checkWave(id string) {
	if id == "" {
		v.fail("wave", "champ obligatoire (par exemple \"D1-2024\")")
		return
	}
	w, err := v.cat.Wave(id)
	if err != nil {
		v.fail("wave", "vague %q inconnue du catalogue (connues : %s)", id, strings.Join(v.cat.WaveIDs(), ", "))
		return
	}
	v.wave = w
}

// objective checks an objective ID against the wave and returns its
// official spelling.
func (v *validator) objective(path, id string) string {
	n := care.NormalizeID(id)
	if v.wave != nil {
		if _, ok := v.wave.Objective(n); !ok {
			v.fail(path, "objectif %q absent du catalogue de la vague %s (attendu %s)", id, v.wave.ID, strings.Join(v.wave.ObjectiveIDs(), ", "))
		}
	}
	return n
}

// facts validates the raw file and builds the facts; errors are in v.
func (d *raw) facts(v *validator) *care.Facts {
	v.broken = d.brokenEntities
	v.checkWave(d.Wave)
	f := &care.Facts{Wave: d.Wave}
	if v.wave != nil {
		f.Wave = v.wave.ID
	}
	d.entities(v, f)
	d.ght(v, f)
	d.shape(v, f)
	d.records(v, f)
	d.audits(v, f)
	d.governance(v, f)
	d.lifecycle(v, f)
	repeats(v, d, f)
	return f
}
