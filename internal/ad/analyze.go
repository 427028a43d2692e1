package ad

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"vigie/internal/ad/checks"
	"vigie/internal/ad/model"
	"vigie/internal/ad/snapshot"
)

// Options tune an analysis.
type Options struct {
	// Catalog holds grades, thresholds and texts; nil uses the embedded one.
	Catalog *checks.Catalog
	// Exceptions are the accepted risks.
	Exceptions []Exception
	// Now is the date exceptions are checked against (zero: the
	// collection date). Thresholds always use the collection date.
	Now time.Time
	// PathDepth caps control-path search (0: 8, as ADS).
	PathDepth int
	// MaxPaths caps the control paths kept in the report (0: 100).
	MaxPaths int
}

// Analyze reads a snapshot, evaluates every control point and builds the
// report.
func Analyze(r *snapshot.Reader, opts Options) (*Report, error) {
	d, err := model.Load(r)
	if err != nil {
		return nil, fmt.Errorf("lecture de l'instantané : %w", err)
	}
	return AnalyzeDirectory(d, opts)
}

// AnalyzeDirectory runs the analysis on an already loaded model.
func AnalyzeDirectory(d *model.Directory, opts Options) (*Report, error) {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = checks.DefaultCatalog(); err != nil {
			return nil, err
		}
	}
	asOf := d.Header.CollectedAt
	if asOf.IsZero() {
		return nil, fmt.Errorf("instantané sans date de collecte : les seuils d'ancienneté ne peuvent pas être évalués")
	}
	now := opts.Now
	if now.IsZero() {
		now = asOf
	}
	rep := &Report{Format: ReportFormat, Forest: d.Header.Forest, CollectedAt: asOf, Source: d.Header.Source,
		Server: d.Header.Server, Findings: []Finding{}, Passed: []string{}, Gaps: d.Gaps, LevelProvisionalPoints: []string{},
		Coverage: Coverage{NotEvaluated: []NotEvaluated{}}}
	rep.Stats = Stats{Objects: len(d.Objects), Domains: len(d.Domains), Descriptors: d.SDCount, Gaps: len(d.Gaps),
		PrivilegedAccs: len(d.PrivilegedAccounts())}
	results := checks.Run(d, cat, asOf)
	rep.Coverage.Total = len(results)
	for _, res := range results {
		e := cat.Entries[res.ID]
		switch res.Status {
		case checks.NotEvaluated:
			rep.Coverage.NotEvaluated = append(rep.Coverage.NotEvaluated, NotEvaluated{ID: res.ID, Title: e.Title, Why: res.Why})
			continue
		case checks.Passed:
			rep.Passed = append(rep.Passed, res.ID)
		}
		rep.Coverage.Evaluated++
		if e.Limits != "" {
			rep.Limits = append(rep.Limits, Limit{ID: res.ID, Note: e.Limits})
		}
		for _, f := range res.Failures {
			fd := Finding{ID: res.ID, Grade: f.Grade, Title: e.Title, Detail: f.Detail, Remediation: e.Remediation}
			for _, o := range f.Objects {
				fd.Objects = append(fd.Objects, Object{DN: o.DN, Sam: o.Sam, Detail: o.Detail})
			}
			rep.Findings = append(rep.Findings, fd)
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		if rep.Findings[i].Grade != rep.Findings[j].Grade {
			return rep.Findings[i].Grade < rep.Findings[j].Grade
		}
		return rep.Findings[i].ID < rep.Findings[j].ID
	})
	rep.Exceptions = applyExceptions(rep.Findings, opts.Exceptions, now)
	rep.Level, rep.LevelWithAcceptedRisks = levels(rep.Findings)
	rep.LevelProvisionalPoints = provisional(rep.Level, rep.Coverage.NotEvaluated, cat)
	rep.LevelProvisional = len(rep.LevelProvisionalPoints) > 0
	rep.LevelLabel = LevelText(rep.Level, rep.LevelProvisionalPoints)
	addAdvisories(rep, checks.RunAdvisories(d, cat, asOf), cat)
	rep.ControlPaths = controlPaths(d, opts)
	for _, s := range d.AcceptedDelegates() {
		rep.ExtraTier0 = append(rep.ExtraTier0, d.Describe(s))
	}
	return rep, nil
}

// addAdvisories files the warnings and informations apart from the
// findings: they never enter the level.
func addAdvisories(rep *Report, results []checks.Result, cat *checks.Catalog) {
	rep.Warnings, rep.Informations = []Advisory{}, []Advisory{}
	cov := AdvisoryCoverage{Total: len(results), NotRaised: []string{}, NotEvaluated: []NotEvaluated{}}
	for _, res := range results {
		e := cat.Advisories[res.ID]
		switch res.Status {
		case checks.NotEvaluated:
			cov.NotEvaluated = append(cov.NotEvaluated, NotEvaluated{ID: res.ID, Title: e.Title, Why: res.Why})
			continue
		case checks.Passed:
			cov.NotRaised = append(cov.NotRaised, res.ID)
		}
		cov.Evaluated++
		for _, f := range res.Failures {
			a := Advisory{ID: res.ID, Kind: e.Kind, Title: e.Title, Description: e.Description, Grades: e.Grades, Grade: f.Grade,
				Detail: f.Detail, Remediation: e.Remediation, Limits: e.Limits, Objects: []Object{}}
			for _, o := range f.Objects {
				a.Objects = append(a.Objects, Object{DN: o.DN, Sam: o.Sam, Detail: o.Detail})
			}
			if e.Kind == checks.KindInfo {
				rep.Informations = append(rep.Informations, a)
			} else {
				rep.Warnings = append(rep.Warnings, a)
			}
		}
	}
	rep.AdvisoryCoverage = cov
}

// levels applies the ANSSI rule: the level is the lowest failed grade, 5
// when nothing fails. The second level ignores fully accepted findings.
func levels(fs []Finding) (official, accepted int) {
	official, accepted = 5, 5
	for _, f := range fs {
		official = min(official, f.Grade)
		if !f.Accepted {
			accepted = min(accepted, f.Grade)
		}
	}
	return official, accepted
}

// provisional lists the control points not evaluated that could have
// lowered the level: those with a grade below it. A point whose grades are
// all at or above the level cannot change it.
func provisional(level int, ne []NotEvaluated, cat *checks.Catalog) []string {
	out := []string{}
	for _, n := range ne {
		for _, g := range cat.Entries[n.ID].Grades {
			if g < level {
				out = append(out, n.ID)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

func applyExceptions(fs []Finding, exc []Exception, now time.Time) []ExceptionUse {
	uses := make([]ExceptionUse, len(exc))
	for i := range exc {
		uses[i] = ExceptionUse{Exception: exc[i], Status: "sans objet"}
		if !exc[i].active(now) {
			uses[i].Status = "expirée"
		}
	}
	for fi := range fs {
		f := &fs[fi]
		all := len(f.Objects) > 0
		for oi := range f.Objects {
			o := &f.Objects[oi]
			for i := range exc {
				if !exc[i].matches(f.ID, o.DN) {
					continue
				}
				uses[i].Matches++
				if uses[i].Status == "expirée" {
					continue
				}
				uses[i].Status = "appliquée"
				o.Accepted = &Acceptance{Justification: exc[i].Justification, Expires: exc[i].Expires}
				break
			}
			all = all && o.Accepted != nil
		}
		f.Accepted = all
	}
	return uses
}

func controlPaths(d *model.Directory, opts Options) []ControlPath {
	depth, max := opts.PathDepth, opts.MaxPaths
	if depth <= 0 {
		depth = 8
	}
	if max <= 0 {
		max = 100
	}
	var out []ControlPath
	for _, p := range d.ControlPaths(depth) {
		if len(out) == max {
			break
		}
		cp := ControlPath{Principal: d.Describe(p.Principal)}
		for _, s := range p.Steps {
			cp.Steps = append(cp.Steps, d.NodeName(s.From)+" —["+s.Via+"]→ "+d.NodeName(s.To))
		}
		out = append(out, cp)
	}
	return out
}

// FailedAt lists the IDs failing at exactly grade g (for renderers).
func (r *Report) FailedAt(g int) []string {
	var ids []string
	for _, f := range r.Findings {
		if f.Grade == g {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

// LevelMeaning is the French wording of an ANSSI level.
func LevelMeaning(level int) string {
	switch level {
	case 1:
		return "faiblesses critiques, menace immédiate : corriger au plus vite"
	case 2:
		return "faiblesses de configuration ou de gestion, risque de compromission à court terme"
	case 3:
		return "annuaire non affaibli par rapport à une installation par défaut"
	case 4:
		return "sécurité et gestion renforcées"
	case 5:
		return "modèle d'administration et fonctionnalités à l'état de l'art"
	}
	return strings.TrimSpace("niveau inconnu")
}
