package report

import (
	"fmt"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// PairWindow is the spacing CaRE D1.O2.B requires between two successive
// audits (45 to 60 days in the 2024 catalogue).
type PairWindow struct {
	MinDays, MaxDays int
}

// DefaultPairWindow is the D1.O2.B spacing of the CaRE D1 2024 catalogue.
var DefaultPairWindow = PairWindow{MinDays: 45, MaxDays: 60}

// PairVerdict is the D1.O2.B check on two audits: both without critical
// findings, both on the whole perimeter, spaced within the window.
type PairVerdict struct {
	Previous, Current time.Time
	GapDays           int
	GapOK             bool
	PreviousClean     bool
	CurrentClean      bool
	BothComplete      bool
	// OK is true when every condition holds.
	OK bool
	// Reasons explain, in French, each condition that fails.
	Reasons []string
}

// CheckPair checks two audits (prev the older) against D1.O2.B. Days are
// counted between the calendar dates of the ends of scan, in Paris time.
func CheckPair(prev, cur *exposure.Audit, w PairWindow) PairVerdict {
	loc := parisLocation()
	v := PairVerdict{
		Previous:      prev.FinishedAt,
		Current:       cur.FinishedAt,
		PreviousClean: countsOf(prev).Critical == 0,
		CurrentClean:  countsOf(cur).Critical == 0,
		BothComplete:  prev.Complete && cur.Complete,
	}
	v.GapDays = daysBetween(prev.FinishedAt.In(loc), cur.FinishedAt.In(loc))
	v.GapOK = v.GapDays >= w.MinDays && v.GapDays <= w.MaxDays
	if v.GapDays < 0 {
		v.Reasons = append(v.Reasons, "l'audit « précédent » est postérieur à l'audit courant")
	} else if !v.GapOK {
		v.Reasons = append(v.Reasons, fmt.Sprintf("écart de %s entre les deux audits, hors de l'intervalle exigé de %d à %d jours", french.Plural(v.GapDays, "jour", "jours"), w.MinDays, w.MaxDays))
	}
	if !v.PreviousClean {
		v.Reasons = append(v.Reasons, "l'audit précédent relève "+french.Plural(countsOf(prev).Critical, "vulnérabilité critique", "vulnérabilités critiques"))
	}
	if !v.CurrentClean {
		v.Reasons = append(v.Reasons, "l'audit courant relève "+french.Plural(countsOf(cur).Critical, "vulnérabilité critique", "vulnérabilités critiques"))
	}
	if !v.BothComplete {
		v.Reasons = append(v.Reasons, "au moins un des deux audits ne couvre pas tout le périmètre déclaré")
	}
	v.OK = len(v.Reasons) == 0
	return v
}

func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// parisLocation returns Europe/Paris, or UTC when the system has no zone data.
func parisLocation() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}

// frenchDateTime formats a time as "02/03/2026 à 14:17" in Paris time.
func frenchDateTime(t time.Time) string {
	if t.IsZero() {
		return "date inconnue"
	}
	return french.DateTime(t.In(parisLocation()))
}
