package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"vigie/internal/ad"
	"vigie/internal/ad/checks"
	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
	"vigie/internal/store"
)

// The audit report pages show a stored audit in the browser: the full
// report when Vigie made it (kept sealed in the store), else what the
// official result gives (level, failed points, counts), with the
// comparison with the previous audit of the same directory or perimeter.

// auditReportRoutes registers the AD and exposure audit pages.
func (s *Server) auditReportRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/rapports/ad/{ref}", s.page(s.adAuditPage))
	handle("GET /dossiers/{id}/rapports/exposition/{ref}", s.page(s.exposureAuditPage))
}

// adAuditHref is the address of an AD audit's page.
func adAuditHref(app string, a care.ADAudit, at string) string {
	return "/dossiers/" + url.PathEscape(app) + "/rapports/ad/" + url.PathEscape(adRef(a)) + atQuery(at)
}

// exposureAuditHref is the address of an exposure audit's page.
func exposureAuditHref(app string, a care.ExposureAudit, at string) string {
	return "/dossiers/" + url.PathEscape(app) + "/rapports/exposition/" + url.PathEscape(exposureRef(a)) + atQuery(at)
}

// atQuery is "?at=DATE" for a date given explicitly, else "".
func atQuery(at string) string {
	if at == "" {
		return ""
	}
	return "?at=" + url.QueryEscape(at)
}

// sourceFr names an audit's source for people.
func sourceFr(src string) string {
	switch src {
	case care.SourceVigie:
		return "Vigie, indicatif"
	case "":
		return "source non précisée"
	}
	return src
}

// auditLinks lists the latest audits (dated up to asOf, newest first, at
// most n of each kind) of the directories and entities the view shows.
func auditLinks(v *view, f *care.Facts, asOf civil.Date, n int, at string) (ads, exps []auditLink) {
	names := map[string]string{}
	for _, d := range f.Directories {
		names[d.ID] = d.Name
	}
	var adList []care.ADAudit
	for _, a := range f.ADAudits {
		if _, ok := names[a.Directory]; ok && !a.Date.After(asOf) {
			adList = append(adList, a)
		}
	}
	slices.SortStableFunc(adList, func(a, b care.ADAudit) int { return b.Date.Compare(a.Date) })
	for _, a := range adList[:min(n, len(adList))] {
		ads = append(ads, auditLink{Date: a.Date, Label: "Annuaire " + names[a.Directory], Detail: a.LevelText() + ", " + sourceFr(a.Source),
			Href: adAuditHref(v.Applicant.ID, a, at), Vigie: a.Source == care.SourceVigie})
	}
	visible := map[org.FINESS]bool{}
	for _, e := range f.Entities {
		visible[e.FINESS] = true
	}
	var expList []care.ExposureAudit
	for _, a := range f.ExposureAudits {
		if !a.Date.After(asOf) && slices.ContainsFunc(a.Entities, func(e org.FINESS) bool { return visible[e] }) {
			expList = append(expList, a)
		}
	}
	slices.SortStableFunc(expList, func(a, b care.ExposureAudit) int { return b.Date.Compare(a.Date) })
	for _, a := range expList[:min(n, len(expList))] {
		detail := sourceFr(a.Source)
		switch {
		case a.Counts != nil:
			detail = french.Plural(a.Counts.Critical, "vulnérabilité critique", "vulnérabilités critiques") + ", " + detail
		case a.NoCritical != nil && *a.NoCritical:
			detail = "aucune vulnérabilité critique, " + detail
		case a.NoCritical != nil:
			detail = "au moins une vulnérabilité critique, " + detail
		}
		exps = append(exps, auditLink{Date: a.Date, Label: "Exposition internet", Detail: detail,
			Href: exposureAuditHref(v.Applicant.ID, a, at), Vigie: a.Source == care.SourceVigie})
	}
	return ads, exps
}

// adPoint is one failed control point as shown.
type adPoint struct {
	ID          string
	Grade       int
	Title       string
	Detail      string
	Remediation string
	Objects     []ad.Object
	More        int // objects not listed
	Accepted    bool
}

// adDiffLine is one line of the comparison of two AD audits.
type adDiffLine struct {
	ID, Title string
	Grade     int
	Object    string // DN or account, empty when compared by control point
}

// adAuditData fills the AD audit page.
type adAuditData struct {
	View         *view
	At           string
	Dir          care.Directory
	Audit        care.ADAudit
	Official     bool
	Full         bool   // the full report is shown
	NoFull       string // why only the summary is shown
	Report       *ad.Report
	Provisional  string // why the level is provisional ("" when it is not)
	Failed       []adPoint
	Accepted     []adPoint
	NotEvaluated []ad.NotEvaluated
	Limits       []ad.Limit
	Prev         *care.ADAudit
	PrevHref     string
	ByObject     bool // the comparison is per object (both full reports)
	Fixed, New   []adDiffLine
	Still        []adDiffLine
	NotCompared  []string
	// The warnings compared by object (ByObject only), when both reports
	// hold them.
	WarningsCompared              bool
	WarnFixed, WarnNew, WarnStill []adDiffLine
	Files                         []evidenceRow
	// Shared: the directory also serves establishments the viewer does not
	// see; the level and the failed points are shown, not the objects.
	Shared bool
}

// diffLines lists compared items for the page: a control point named by
// the catalogue, a warning by its report; the object by account and DN.
func diffLines(items []ad.DiffItem) []adDiffLine {
	out := make([]adDiffLine, 0, len(items))
	for _, it := range items {
		obj := it.DN
		if it.Sam != "" {
			obj = it.Sam + " (" + it.DN + ")"
		}
		title := it.Title
		if title == "" {
			title = pointOf(it.ID).Title
		}
		out = append(out, adDiffLine{ID: it.ID, Title: title, Grade: it.Grade, Object: obj})
	}
	return out
}

// maxObjectsShown bounds the objects listed per control point.
const maxObjectsShown = 50

// checkIDGrade reads an ADS control point ID such as vuln1_krbtgt: the
// grade and the catalogue ID (vuln_krbtgt).
var checkIDGrade = regexp.MustCompile(`^vuln([1-4])_(.+)$`)

// adCatalog is the embedded catalogue of the ANSSI control points.
var adCatalog = sync.OnceValues(checks.DefaultCatalog)

// pointOf describes a failed control point known only by its ID.
func pointOf(id string) adPoint {
	p := adPoint{ID: id, Title: "point de contrôle ANSSI " + id}
	key := id
	if m := checkIDGrade.FindStringSubmatch(id); m != nil {
		p.Grade, _ = strconv.Atoi(m[1])
		key = "vuln_" + m[2]
	}
	if c, err := adCatalog(); err == nil {
		if e, ok := c.Entries[key]; ok {
			p.Title, p.Remediation = e.Title, e.Remediation
			if p.Grade == 0 && len(e.Grades) > 0 {
				p.Grade = slices.Min(e.Grades)
			}
		}
	}
	return p
}

// findAD finds an AD audit of the facts by its reference.
func findAD(f *care.Facts, ref string) (care.ADAudit, bool) {
	for _, a := range f.ADAudits {
		if adRef(a) == ref {
			return a, true
		}
	}
	return care.ADAudit{}, false
}

// sealedReportMissing says why a stored full report cannot be shown (the
// error of reading it): not in Vigie, or no key to open it; other errors
// are returned. Both empty: the report was read.
func sealedReportMissing(err error) (string, error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "résultat saisi ou importé : le rapport complet n'est pas dans Vigie", nil
	case errors.Is(err, store.ErrNoKey):
		return "aucune clé de chiffrement n'est configurée : le rapport scellé ne peut pas être lu", nil
	}
	return "", err
}

// adReportOf reads a stored full AD report, or says why there is none.
func (s *Server) adReportOf(ctx context.Context, a care.ADAudit) (*ad.Report, string, error) {
	if a.ID == "" {
		return nil, "audit importé d'un dossier : seul son résumé est enregistré", nil
	}
	blob, err := s.st.ADReport(ctx, a.ID)
	if why, err := sealedReportMissing(err); why != "" || err != nil {
		return nil, why, err
	}
	r, err := ad.ReadReport(bytes.NewReader(blob))
	if err != nil {
		// An ADS result keeps its form data (not a Vigie report) as its report.
		return nil, "résultat officiel saisi : niveau et points en échec seulement (le rapport ADS est joint aux pièces)", nil
	}
	return r, "", nil
}

// adAuditPage shows one AD audit: level, failed points, not evaluated
// points, accepted risks, and the comparison with the previous audit of
// the directory.
func (s *Server) adAuditPage(w http.ResponseWriter, r *http.Request, rq *request) error {
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
	a, ok := findAD(f, r.PathValue("ref"))
	if !ok {
		return errOutOfScope
	}
	d := adAuditData{View: v, At: at, Audit: a, Official: a.Source != care.SourceVigie}
	for _, x := range f.Directories {
		if x.ID == a.Directory {
			d.Dir = x
		}
	}
	if d.Dir.ID == "" {
		return errOutOfScope // a directory the view hides
	}
	fl, err := s.fullListsOf(ctx, v)
	if err != nil {
		return err
	}
	d.Shared = fl.sharedDirectory(d.Dir)
	if d.Report, d.NoFull, err = s.adReportOf(ctx, a); err != nil {
		return err
	}
	if rep := d.Report; rep != nil {
		d.Full = true
		for _, fd := range rep.Findings {
			p := adPoint{ID: fd.ID, Grade: fd.Grade, Title: fd.Title, Detail: fd.Detail, Remediation: fd.Remediation, Accepted: fd.Accepted,
				Objects: fd.Objects[:min(len(fd.Objects), maxObjectsShown)], More: max(0, len(fd.Objects)-maxObjectsShown)}
			if d.Shared {
				// The objects and details are the whole directory's.
				p.Objects, p.More, p.Detail = nil, 0, ""
			}
			if fd.Accepted {
				d.Accepted = append(d.Accepted, p)
			} else {
				d.Failed = append(d.Failed, p)
			}
		}
		d.NotEvaluated, d.Limits = rep.Coverage.NotEvaluated, rep.Limits
		if rep.LevelProvisionalPoints == nil && !a.IsProvisional() && len(rep.Coverage.NotEvaluated) > 0 {
			// A report written before the analysis said which points could lower the level.
			d.Provisional = french.Plural(len(rep.Coverage.NotEvaluated), "point de contrôle n'a pas pu être évalué", "points de contrôle n'ont pas pu être évalués") +
				" : le niveau pourrait être plus bas"
		}
	} else {
		for _, id := range a.FailedChecks {
			d.Failed = append(d.Failed, pointOf(id))
		}
	}
	if a.IsProvisional() {
		d.Provisional = provisionalDetail(a)
	}
	sortPoints(d.Failed)
	sortPoints(d.Accepted)
	if err := s.compareAD(ctx, v, f, &d, at); err != nil {
		return err
	}
	rows, err := s.evidenceRows(ctx, v, ev, f)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row.File.Target == "audit-ad:"+adRef(a) {
			d.Files = append(d.Files, row)
		}
	}
	title := "Audit AD de " + d.Dir.Name + " du " + a.Date.French()
	s.render(w, r, http.StatusOK, "audit_ad", pageData{Title: title, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// provisionalDetail says why an audit's level is provisional, naming the
// control points not evaluated when the audit lists them.
func provisionalDetail(a care.ADAudit) string {
	n := len(a.ProvisionalPoints)
	if n == 0 {
		return a.LevelText() + " ; des points de contrôle qui pourraient abaisser le niveau n'ont pas été évalués ; le niveau réel peut être plus bas, à confirmer par un audit complet"
	}
	return a.LevelText() + " ; " + french.Plural(n, "point de contrôle qui pourrait abaisser le niveau n'a pas pu être évalué", "points de contrôle qui pourraient abaisser le niveau n'ont pas pu être évalués") +
		" (" + strings.Join(a.ProvisionalPoints, ", ") + ") ; le niveau réel peut être plus bas, à confirmer par un audit complet"
}

// sortPoints orders failed points by grade (1, the most serious, first), then ID.
func sortPoints(ps []adPoint) {
	slices.SortStableFunc(ps, func(a, b adPoint) int {
		if a.Grade != b.Grade {
			return a.Grade - b.Grade
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
}

// compareAD finds the previous audit of the directory — of the same kind
// (official or Vigie) when there is one, so that like is compared with
// like — and compares: per object when both full reports are readable,
// else per control point.
func (s *Server) compareAD(ctx context.Context, v *view, f *care.Facts, d *adAuditData, at string) error {
	var prev, prevSame *care.ADAudit
	for i, x := range f.ADAudits {
		if x.Directory != d.Audit.Directory || adRef(x) == adRef(d.Audit) || x.Date.After(d.Audit.Date) {
			continue
		}
		if x.Date == d.Audit.Date && adRef(x) > adRef(d.Audit) {
			continue
		}
		later := func(p *care.ADAudit) bool {
			return p == nil || x.Date.After(p.Date) || (x.Date == p.Date && adRef(x) > adRef(*p))
		}
		if later(prev) {
			prev = &f.ADAudits[i]
		}
		if (x.Source != care.SourceVigie) == d.Official && later(prevSame) {
			prevSame = &f.ADAudits[i]
		}
	}
	if prevSame != nil {
		prev = prevSame
	}
	if prev == nil {
		return nil
	}
	d.Prev, d.PrevHref = prev, adAuditHref(v.Applicant.ID, *prev, at)
	if d.Report != nil && !d.Shared {
		pr, _, err := s.adReportOf(ctx, *prev)
		if err != nil {
			return err
		}
		if pr != nil {
			diff := ad.Diff(pr, d.Report)
			d.ByObject = true
			d.Fixed, d.New, d.Still = diffLines(diff.Fixed), diffLines(diff.New), diffLines(diff.StillFailing)
			d.WarningsCompared = diff.WarningsCompared
			d.WarnFixed, d.WarnNew, d.WarnStill = diffLines(diff.WarningsFixed), diffLines(diff.WarningsNew), diffLines(diff.WarningsStill)
			d.NotCompared = diff.NotComparable
			return nil
		}
	}
	// Per control point, from the summaries (grade digits removed).
	norm := func(id string) string {
		if m := checkIDGrade.FindStringSubmatch(id); m != nil {
			return "vuln_" + m[2]
		}
		return id
	}
	before, after := map[string]string{}, map[string]string{}
	for _, id := range prev.FailedChecks {
		before[norm(id)] = id
	}
	for _, id := range d.Audit.FailedChecks {
		after[norm(id)] = id
	}
	line := func(id string) adDiffLine {
		p := pointOf(id)
		return adDiffLine{ID: p.ID, Title: p.Title, Grade: p.Grade}
	}
	for k, id := range before {
		if _, ok := after[k]; !ok {
			d.Fixed = append(d.Fixed, line(id))
		}
	}
	for k, id := range after {
		if _, ok := before[k]; ok {
			d.Still = append(d.Still, line(id))
		} else {
			d.New = append(d.New, line(id))
		}
	}
	for _, l := range [][]adDiffLine{d.Fixed, d.New, d.Still} {
		slices.SortFunc(l, func(a, b adDiffLine) int {
			if a.Grade != b.Grade {
				return a.Grade - b.Grade
			}
			if a.ID < b.ID {
				return -1
			}
			return 1
		})
	}
	return nil
}
