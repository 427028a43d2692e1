package store

import (
	"fmt"
	"strings"
	"vigie/internal/french"
)

// Kind names a kind of stored row, as counted in ImportStats.
type Kind string

// Kinds of rows an import writes.
const (
	KindEntity        Kind = "entity"
	KindGHT           Kind = "ght"
	KindApplicant     Kind = "applicant"
	KindPrerequisite  Kind = "prerequisite"
	KindDirectory     Kind = "directory"
	KindADAudit       Kind = "ad_audit"
	KindExposureAudit Kind = "exposure_audit"
	KindExercise      Kind = "exercise"
	KindOSIS          Kind = "osis"
	KindBudget        Kind = "budget"
	KindGovernance    Kind = "governance"
	KindStep          Kind = "step"
	KindPayment       Kind = "payment"
)

// Kinds lists the row kinds in a stable display order.
func Kinds() []Kind {
	return []Kind{KindEntity, KindGHT, KindApplicant, KindPrerequisite, KindDirectory, KindADAudit,
		KindExposureAudit, KindExercise, KindOSIS, KindBudget, KindGovernance, KindStep, KindPayment}
}

// French returns the label shown to users.
func (k Kind) French() string {
	switch k {
	case KindEntity:
		return "établissements"
	case KindGHT:
		return "GHT"
	case KindApplicant:
		return "candidat"
	case KindPrerequisite:
		return "prérequis"
	case KindDirectory:
		return "annuaires"
	case KindADAudit:
		return "audits AD"
	case KindExposureAudit:
		return "audits d'exposition"
	case KindExercise:
		return "exercices de crise"
	case KindOSIS:
		return "oSIS"
	case KindBudget:
		return "budgets"
	case KindGovernance:
		return "gouvernance"
	case KindStep:
		return "étapes du dossier"
	case KindPayment:
		return "paiements"
	}
	return string(k)
}

// RowStats counts what an import did to the rows of one kind.
type RowStats struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Kept counts rows whose new values were ignored because the stored row
	// is an immutable audit (saved with its full report).
	Kept int `json:"kept,omitempty"`
}

// outcome is what happened to one row.
type outcome int

const (
	added outcome = iota
	updated
	unchanged
	kept
)

func (r *RowStats) count(o outcome) {
	switch o {
	case added:
		r.Added++
	case updated:
		r.Updated++
	case unchanged:
		r.Unchanged++
	case kept:
		r.Kept++
	}
}

// Total is the number of rows seen.
func (r RowStats) Total() int { return r.Added + r.Updated + r.Unchanged + r.Kept }

// ImportStats says, per kind of row, how many rows an import added,
// updated or left unchanged.
type ImportStats struct {
	// Applicant is the ID of the imported applicant.
	Applicant string            `json:"applicant"`
	ByKind    map[Kind]RowStats `json:"by_kind"`
}

func (s *ImportStats) count(k Kind, o outcome) {
	if s.ByKind == nil {
		s.ByKind = map[Kind]RowStats{}
	}
	r := s.ByKind[k]
	r.count(o)
	s.ByKind[k] = r
}

// Sum adds up all kinds.
func (s ImportStats) Sum() RowStats {
	var t RowStats
	for _, r := range s.ByKind {
		t.Added += r.Added
		t.Updated += r.Updated
		t.Unchanged += r.Unchanged
		t.Kept += r.Kept
	}
	return t
}

// String summarises the counts in French, e.g. "établissements : 3 ajoutés,
// 1 modifié, 2 inchangés".
func (s ImportStats) String() string {
	var parts []string
	for _, k := range Kinds() {
		r, ok := s.ByKind[k]
		if !ok {
			continue
		}
		p := fmt.Sprintf("%s : %s, %s, %s", k.French(), french.Plural(r.Added, "ajouté", "ajoutés"),
			french.Plural(r.Updated, "modifié", "modifiés"), french.Plural(r.Unchanged, "inchangé", "inchangés"))
		if r.Kept > 0 {
			p += ", " + french.Plural(r.Kept, "conservé", "conservés") + " (audits immuables)"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "aucune ligne"
	}
	return strings.Join(parts, " ; ")
}
