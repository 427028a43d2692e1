package web

import (
	"context"
	"regexp"
	"slices"

	"vigie/internal/care"
	"vigie/internal/org"
)

// sharedFigures replaces, in the results of a partial view, the figures of
// an audit shared with establishments the viewer does not see.
const sharedFigures = "audit commun avec d'autres établissements : chiffres non communiqués"

// countsText matches the vulnerability counts care writes in a reason or
// an evidence detail (« 2 critiques, 1 élevée, 0 moyenne, 3 faibles »;
// also the older « 2 critique(s), … » form).
var countsText = regexp.MustCompile(`\d+ critique(?:s|\(s\))?, \d+ élevée(?:s|\(s\))?, \d+ moyenne(?:s|\(s\))?, \d+ faible(?:s|\(s\))?`)

// partialFacts returns what a partial view shows of f, in new slices (f
// may be the cache's: it is never written): the visible entities and
// their records, the directories they use (listing the visible entities
// only) and those directories' AD audits, the exposure audits covering a
// visible entity, and no GHT governance. An exposure audit shared with
// entities the viewer does not see keeps the visible ones only and loses
// its figures (counts, report file), which are the whole audit's: only
// whether it found a critical vulnerability stays, since the viewer's
// D1.O2.B verdict rests on it. shared holds the evidence refs of those
// audits (as care names them).
func partialFacts(f *care.Facts, v *view) (out care.Facts, shared map[string]bool) {
	vis := func(e org.FINESS) bool { return v.only[e] }
	keep := func(es []org.FINESS) []org.FINESS {
		return slices.DeleteFunc(slices.Clone(es), func(e org.FINESS) bool { return !vis(e) })
	}
	out = care.Facts{Wave: f.Wave, GHT: f.GHT, Dossier: f.Dossier}
	shared = map[string]bool{}
	dirs := map[string]bool{}
	for _, d := range f.Directories {
		if es := keep(d.Entities); len(es) > 0 {
			d.Entities = es
			out.Directories = append(out.Directories, d)
			dirs[d.ID] = true
		}
	}
	for _, e := range f.Entities {
		if vis(e.FINESS) {
			out.Entities = append(out.Entities, e)
		}
	}
	for _, p := range f.Prerequisites {
		if vis(p.Entity) {
			out.Prerequisites = append(out.Prerequisites, p)
		}
	}
	for _, a := range f.ADAudits {
		if dirs[a.Directory] {
			out.ADAudits = append(out.ADAudits, a)
		}
	}
	for _, a := range f.ExposureAudits {
		es := keep(a.Entities)
		if len(es) == 0 {
			continue
		}
		if len(es) < len(a.Entities) {
			ref := a.ID
			if ref == "" {
				ref = "exposition@" + a.Date.String()
			}
			shared[ref] = true
			if a.Counts != nil {
				none := a.Counts.Critical == 0
				a.NoCritical, a.Counts = &none, nil
			}
			a.Report = ""
		}
		a.Entities = es
		out.ExposureAudits = append(out.ExposureAudits, a)
	}
	for _, x := range f.Exercises {
		if vis(x.Entity) {
			out.Exercises = append(out.Exercises, x)
		}
	}
	for _, x := range f.OSIS {
		if vis(x.Entity) {
			out.OSIS = append(out.OSIS, x)
		}
	}
	for _, x := range f.Budget {
		if vis(x.Entity) {
			out.Budget = append(out.Budget, x)
		}
	}
	return out, shared
}

// maskShared removes the figures of shared exposure audits from results
// (their evidence details and reasons), in new slices.
func maskShared(rs []care.Result, shared map[string]bool) []care.Result {
	if len(shared) == 0 {
		return rs
	}
	out := make([]care.Result, len(rs))
	for i, r := range rs {
		masked := false
		evs := slices.Clone(r.Evidence)
		for j, e := range evs {
			if e.Kind == "exposure_audit" && shared[e.Ref] {
				evs[j].Detail, masked = sharedFigures, true
			}
		}
		if masked {
			r.Evidence = evs
			r.Reason = countsText.ReplaceAllString(r.Reason, sharedFigures)
		}
		out[i] = r
	}
	return out
}

// fullLists gives, for a partial view, the entities each directory and
// each exposure audit of the dossier serve in full (the view's lists keep
// the visible ones only): a record with entities beyond the view is
// shared with establishments the viewer does not see.
type fullLists struct {
	dirs map[string][]org.FINESS // by directory ID
	exp  map[string][]org.FINESS // by exposureRef as the view names the audit
}

// fullListsOf reads the dossier's facts as stored (nil lists for a whole
// view, whose lists are complete).
func (s *Server) fullListsOf(ctx context.Context, v *view) (fullLists, error) {
	var fl fullLists
	if !v.Partial() {
		return fl, nil
	}
	_, f, _, err := s.cachedEvaluation(ctx, v.Applicant.ID, s.defaultDate(), care.Options{})
	if err != nil {
		return fl, err
	}
	fl.dirs, fl.exp = map[string][]org.FINESS{}, map[string][]org.FINESS{}
	for _, d := range f.Directories {
		fl.dirs[d.ID] = d.Entities
	}
	for _, a := range f.ExposureAudits {
		b := a
		b.Entities = slices.DeleteFunc(slices.Clone(a.Entities), func(e org.FINESS) bool { return !v.only[e] })
		if len(b.Entities) > 0 {
			fl.exp[exposureRef(b)] = a.Entities
		}
	}
	return fl, nil
}

// exposureEntities are the entities an audit of the view covers in full.
func (fl fullLists) exposureEntities(a care.ExposureAudit) []org.FINESS {
	if es, ok := fl.exp[exposureRef(a)]; ok {
		return es
	}
	return a.Entities
}

// sharedExposure reports whether an audit of the view also covers
// establishments the viewer does not see.
func (fl fullLists) sharedExposure(a care.ExposureAudit) bool {
	return len(fl.exposureEntities(a)) > len(a.Entities)
}

// sharedDirectory reports whether a directory of the view also serves
// establishments the viewer does not see.
func (fl fullLists) sharedDirectory(d care.Directory) bool {
	es, ok := fl.dirs[d.ID]
	return ok && len(es) > len(d.Entities)
}

// partialPosture returns what a partial view shows of a closed wave's
// current posture, as a new value (p may be the cache's): the directories
// the view shows (a shared directory keeps its level, as its audits do)
// and the visible EJs; an EJ's latest audit shared with establishments
// out of view keeps only whether it found a critical vulnerability. f is
// the dossier's facts in full, pf what the view shows of them.
func partialPosture(p *care.Posture, f, pf *care.Facts, v *view) *care.Posture {
	out := &care.Posture{AsOf: p.AsOf, Note: p.Note, Directories: []care.DirectoryPosture{}, Exposure: []care.ExposurePosture{}}
	dirs := map[string]bool{}
	for _, d := range pf.Directories {
		dirs[d.ID] = true
	}
	for _, d := range p.Directories {
		if dirs[d.Directory] {
			out.Directories = append(out.Directories, d)
		}
	}
	for _, x := range p.Exposure {
		if !v.only[x.Entity] {
			continue
		}
		if x.Critical != nil && postureAuditShared(f, x, v) {
			none := *x.Critical == 0
			x.Critical, x.NoCritical = nil, &none
		}
		out.Exposure = append(out.Exposure, x)
	}
	return out
}

// postureAuditShared reports whether the audit an EJ's posture rests on
// (its latest whole-perimeter audit at that date from that source) also
// covers establishments the view does not show.
func postureAuditShared(f *care.Facts, x care.ExposurePosture, v *view) bool {
	for _, a := range f.ExposureAudits {
		if !a.CompletePerimeter || a.Date != x.Date || a.Source != x.Source || !slices.Contains(a.Entities, x.Entity) {
			continue
		}
		if slices.ContainsFunc(a.Entities, func(e org.FINESS) bool { return !v.only[e] }) {
			return true
		}
	}
	return false
}
