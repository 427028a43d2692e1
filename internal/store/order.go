package store

import (
	"cmp"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/org"
)

// SortFacts puts the lists of f in the order LoadFacts returns them
// (strings compared byte-wise, the same on both engines):
//   - Entities by FINESS; Prerequisites by (entity, id, date); Directories by ID;
//   - ADAudits by (directory, date, source, ID);
//   - ExposureAudits by (date, source, ID, sorted entities);
//   - Exercises by (entity, date); OSIS and Budget by (entity, year, date);
//   - GovernanceHistory by date (Governance is the latest record);
//   - dossier Steps by (date, step); Payments by (date, objective, amount).
//
// Lists inside one item (a directory's or an audit's entities, failed
// checks, an exercise's participants and actions) keep their order.
func SortFacts(f *care.Facts) {
	slices.SortStableFunc(f.Entities, func(a, b org.Entity) int { return strings.Compare(string(a.FINESS), string(b.FINESS)) })
	slices.SortStableFunc(f.Prerequisites, func(a, b care.Prerequisite) int {
		return cmp.Or(strings.Compare(string(a.Entity), string(b.Entity)), strings.Compare(a.ID, b.ID), a.Date.Compare(b.Date))
	})
	slices.SortStableFunc(f.Directories, func(a, b care.Directory) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(f.ADAudits, func(a, b care.ADAudit) int {
		return cmp.Or(strings.Compare(a.Directory, b.Directory), a.Date.Compare(b.Date),
			strings.Compare(a.Source, b.Source), strings.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(f.ExposureAudits, func(a, b care.ExposureAudit) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Source, b.Source), strings.Compare(a.ID, b.ID),
			strings.Compare(entitiesKey(a.Entities), entitiesKey(b.Entities)))
	})
	slices.SortStableFunc(f.Exercises, func(a, b care.Exercise) int {
		return cmp.Or(strings.Compare(string(a.Entity), string(b.Entity)), a.Date.Compare(b.Date))
	})
	slices.SortStableFunc(f.OSIS, func(a, b care.OSIS) int {
		return cmp.Or(strings.Compare(string(a.Entity), string(b.Entity)), cmp.Compare(a.Year, b.Year), a.Date.Compare(b.Date))
	})
	slices.SortStableFunc(f.Budget, func(a, b care.Budget) int {
		return cmp.Or(strings.Compare(string(a.Entity), string(b.Entity)), cmp.Compare(a.Year, b.Year), a.Date.Compare(b.Date))
	})
	slices.SortStableFunc(f.GovernanceHistory, func(a, b care.Governance) int { return a.Date.Compare(b.Date) })
	slices.SortStableFunc(f.Dossier.Steps, func(a, b care.Step) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Step, b.Step))
	})
	slices.SortStableFunc(f.Dossier.Payments, func(a, b care.Payment) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Objective, b.Objective), cmp.Compare(a.AmountEUR, b.AmountEUR))
	})
}
