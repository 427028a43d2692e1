package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"vigie/internal/care"
	"vigie/internal/exposure"
	"vigie/internal/french"
	"vigie/internal/org"
)

// severityGroup is the findings of one severity.
type severityGroup struct {
	Severity exposure.Severity
	Label    string
	Findings []exposure.Finding
}

// pairCheck is the D1.O2.B check shown on an exposure audit: this audit
// and an earlier one 45 to 60 days before, both complete and without a
// critical vulnerability.
type pairCheck struct {
	MinDays, MaxDays int
	Other            *care.ExposureAudit
	OtherHref        string
	Gap              int
	OK               bool
	Reasons          []string
}

// exposureAuditData fills the exposure audit page.
type exposureAuditData struct {
	View     *view
	At       string
	Audit    care.ExposureAudit
	Names    []string // entities covered, by name
	Official bool
	Full     *exposure.Audit
	NoFull   string
	Counts   *care.Counts
	Groups   []severityGroup
	Hosts    []exposure.Host
	Prev     *care.ExposureAudit
	PrevHref string
	Delta    *exposure.Delta
	// CountsDelta compares the counts when a full comparison is impossible.
	CountsDelta []countDelta
	Pair        pairCheck
	Files       []evidenceRow
	// Shared: the audit also covers establishments the viewer does not
	// see; its report and figures are not shown, only whether it found a
	// critical vulnerability.
	Shared bool
	full   fullLists
}

// countDelta is one severity's count in the previous and this audit.
type countDelta struct {
	Label        string
	Before, Now  int
	Better, Same bool
}

// findExposure finds an exposure audit of the facts by its reference.
func findExposure(f *care.Facts, ref string) (care.ExposureAudit, bool) {
	for _, a := range f.ExposureAudits {
		if exposureRef(a) == ref {
			return a, true
		}
	}
	return care.ExposureAudit{}, false
}

// exposureOf reads a stored full exposure audit, or says why there is none.
func (s *Server) exposureOf(ctx context.Context, a care.ExposureAudit) (*exposure.Audit, string, error) {
	if a.ID == "" {
		return nil, "audit importé d'un dossier : seuls ses décomptes sont enregistrés", nil
	}
	blob, err := s.st.ExposureReport(ctx, a.ID)
	if why, err := sealedReportMissing(err); why != "" || err != nil {
		return nil, why, err
	}
	var x exposure.Audit
	dec := json.NewDecoder(bytes.NewReader(blob))
	if err := dec.Decode(&x); err != nil || x.FinishedAt.IsZero() {
		return nil, "résultat déposé (OPSSIES ou saisie) : décomptes par gravité seulement", nil
	}
	return &x, "", nil
}

// exposureAuditPage shows one exposure audit: findings by severity,
// services, comparison with the previous audit of the same perimeter and
// the D1.O2.B pair check.
func (s *Server) exposureAuditPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v, err := s.loadApplicantView(ctx, rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	_, at, err := s.asOf(r)
	if err != nil {
		return err
	}
	ev, f, err := s.evaluate(ctx, v, s.defaultDate())
	if err != nil {
		return err
	}
	a, ok := findExposure(f, r.PathValue("ref"))
	names := map[org.FINESS]string{}
	for _, e := range f.Entities {
		names[e.FINESS] = e.Name
	}
	if !ok || !slices.ContainsFunc(a.Entities, func(e org.FINESS) bool { return names[e] != "" }) {
		return errOutOfScope
	}
	d := exposureAuditData{View: v, At: at, Audit: a, Official: a.Source != care.SourceVigie, Counts: a.Counts}
	if d.full, err = s.fullListsOf(ctx, v); err != nil {
		return err
	}
	for _, e := range a.Entities {
		if n := names[e]; n != "" {
			d.Names = append(d.Names, n+" ("+string(e)+")")
		}
	}
	if d.Shared = d.full.sharedExposure(a); d.Shared {
		// The report and the counts are the whole audit's (partialFacts
		// already dropped the counts).
		d.Counts, d.NoFull = nil, sharedFigures+" : le rapport complet est réservé aux comptes qui voient tous les établissements audités"
	} else if d.Full, d.NoFull, err = s.exposureOf(ctx, a); err != nil {
		return err
	}
	if x := d.Full; x != nil {
		c := x.Summary
		d.Counts = &care.Counts{Critical: c.Critical, High: c.High, Medium: c.Medium, Low: c.Low, Info: c.Info}
		for _, sev := range exposure.Severities {
			g := severityGroup{Severity: sev, Label: sev.French()}
			for _, fd := range x.Findings {
				if fd.Severity == sev {
					g.Findings = append(g.Findings, fd)
				}
			}
			if len(g.Findings) > 0 {
				d.Groups = append(d.Groups, g)
			}
		}
		d.Hosts = x.Hosts
	}
	if err := s.compareExposure(ctx, v, f, &d, at); err != nil {
		return err
	}
	rows, err := s.evidenceRows(ctx, v, ev, f)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row.File.Target == "audit-exposition:"+exposureRef(a) {
			d.Files = append(d.Files, row)
		}
	}
	s.render(w, r, http.StatusOK, "audit_exposure", pageData{Title: "Audit d'exposition du " + a.Date.French(), User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// samePerimeter reports whether two audits cover the same entities (in
// full: a shared audit is not the same perimeter as an audit of the
// viewer's establishments only).
func samePerimeter(fl fullLists, a, b care.ExposureAudit) bool {
	x, y := slices.Clone(fl.exposureEntities(a)), slices.Clone(fl.exposureEntities(b))
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// compareExposure finds the previous audit of the same perimeter,
// compares the findings (or the counts), and runs the D1.O2.B pair check.
func (s *Server) compareExposure(ctx context.Context, v *view, f *care.Facts, d *exposureAuditData, at string) error {
	a := d.Audit
	var earlier []care.ExposureAudit
	for _, x := range f.ExposureAudits {
		if exposureRef(x) != exposureRef(a) && samePerimeter(d.full, x, a) && x.Date.Before(a.Date) {
			earlier = append(earlier, x)
		}
	}
	slices.SortStableFunc(earlier, func(x, y care.ExposureAudit) int { return y.Date.Compare(x.Date) })
	d.Pair = s.pairCheck(v, a, earlier, at)
	if len(earlier) == 0 {
		return nil
	}
	prev := earlier[0]
	d.Prev, d.PrevHref = &prev, exposureAuditHref(v.Applicant.ID, prev, at)
	if d.Full != nil {
		px, _, err := s.exposureOf(ctx, prev)
		if err != nil {
			return err
		}
		if px != nil {
			delta := exposure.Diff(px, d.Full)
			d.Delta = &delta
			return nil
		}
	}
	if prev.Counts != nil && d.Counts != nil {
		b, n := prev.Counts, d.Counts
		for _, c := range []struct {
			l    string
			x, y int
		}{{"critiques", b.Critical, n.Critical}, {"élevées", b.High, n.High}, {"moyennes", b.Medium, n.Medium}, {"faibles", b.Low, n.Low}} {
			d.CountsDelta = append(d.CountsDelta, countDelta{Label: c.l, Before: c.x, Now: c.y, Better: c.y < c.x, Same: c.y == c.x})
		}
	}
	return nil
}

// pairCheck looks, among the earlier audits (newest first), for the one
// 45 to 60 days before a (the catalogue's D1.O2.B spacing) and checks
// both are complete and without critical vulnerability.
func (s *Server) pairCheck(v *view, a care.ExposureAudit, earlier []care.ExposureAudit, at string) pairCheck {
	p := pairCheck{MinDays: 45, MaxDays: 60}
	if wv, err := s.cat.Wave(v.Applicant.Wave); err == nil {
		for _, o := range wv.Objectives {
			if o.Rule == "exposure-clean-pair" && o.Params.MinSpacingDays > 0 {
				p.MinDays, p.MaxDays = o.Params.MinSpacingDays, o.Params.MaxSpacingDays
			}
		}
	}
	for i, x := range earlier {
		gap := a.Date.DaysSince(x.Date)
		if gap >= p.MinDays && gap <= p.MaxDays {
			p.Other, p.Gap = &earlier[i], gap
			p.OtherHref = exposureAuditHref(v.Applicant.ID, x, at)
			break
		}
	}
	clean := func(x care.ExposureAudit) (bool, string) {
		switch {
		case x.Counts != nil && x.Counts.Critical > 0:
			return false, french.Plural(x.Counts.Critical, "vulnérabilité critique", "vulnérabilités critiques")
		case x.Counts == nil && (x.NoCritical == nil || !*x.NoCritical):
			return false, "nombre de vulnérabilités critiques inconnu"
		}
		return true, ""
	}
	if p.Other == nil {
		p.Reasons = append(p.Reasons, fmt.Sprintf("aucun audit du même périmètre entre %d et %d jours avant celui-ci", p.MinDays, p.MaxDays))
	}
	for _, x := range []struct {
		who string
		a   *care.ExposureAudit
	}{{"cet audit", &a}, {"l'audit précédent retenu", p.Other}} {
		if x.a == nil {
			continue
		}
		if ok, why := clean(*x.a); !ok {
			p.Reasons = append(p.Reasons, x.who+" : "+why)
		}
		if !x.a.CompletePerimeter {
			p.Reasons = append(p.Reasons, x.who+" ne couvre pas tout le périmètre déclaré")
		}
	}
	if a.Source == care.SourceVigie || (p.Other != nil && p.Other.Source == care.SourceVigie) {
		p.Reasons = append(p.Reasons, "un audit Vigie est indicatif : seuls SILENE, CERT Santé ou un prestataire comptent pour la déclaration")
	}
	p.OK = len(p.Reasons) == 0
	return p
}
