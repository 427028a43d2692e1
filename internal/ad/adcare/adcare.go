// Package adcare turns an AD audit report's summary into what the CaRE
// programme engine evaluates (care.ADAudit). It is the one place where the
// AD engine meets the programme: the jobs, the web application and the
// command line store their Vigie AD audits through it, so that the level's
// caveat (provisional, with the points not evaluated) is never lost.
package adcare

import (
	"time"

	"vigie/internal/ad"
	"vigie/internal/care"
	"vigie/internal/civil"
)

// Audit is the programme summary of a Vigie AD audit of a directory: dated
// on the collection day in loc (the time zone Vigie records dates in; UTC
// when nil), with its level, its caveat and its failed control points. id
// is the stored audit's ID ("" lets the store choose one).
func Audit(s ad.Summary, id, directory string, loc *time.Location) care.ADAudit {
	if loc == nil {
		loc = time.UTC
	}
	a := care.ADAudit{ID: id, Directory: directory, Date: civil.Of(s.CollectedAt.In(loc)), Level: s.Level,
		Source: care.SourceVigie, FailedChecks: s.FailedIDs,
		Provisional: s.LevelProvisional || len(s.LevelProvisionalPoints) > 0}
	if len(s.LevelProvisionalPoints) > 0 {
		a.ProvisionalPoints = append([]string(nil), s.LevelProvisionalPoints...)
	}
	return a
}
