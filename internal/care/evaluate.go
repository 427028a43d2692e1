package care

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// Options tune an evaluation.
type Options struct {
	// IncludeVigie counts the establishment's own Vigie audits as if they
	// came from an accepted source: for steering, never for declaring.
	IncludeVigie bool
}

// ErrNoApplicant means the facts do not say who applies.
var ErrNoApplicant = errors.New("impossible de déterminer le porteur du dossier")

// rule evaluates one objective.
type rule func(e *evaluator, o *Objective) []Result

// rules maps the catalogue's rule names to their code.
var rules = map[string]rule{
	"ad-cadence":          ruleADCadence,
	"ad-level":            ruleADLevel,
	"exposure-cadence":    ruleExposureCadence,
	"exposure-clean-pair": ruleExposureCleanPair,
	"exercise":            ruleExercise,
	"osis":                ruleOSIS,
	"budget":              ruleBudget,
	"ght-governance":      ruleGHTGovernance,
	"ght-convergence":     ruleGHTConvergence,
}

// evaluator carries one evaluation's inputs and indexes.
type evaluator struct {
	f         *Facts
	w         *Wave
	asOf      civil.Date
	opts      Options
	tree      *org.Tree
	applicant *org.Entity
	ejs       []*org.Entity // the EJ of the dossier
	deadline  civil.Date
	// audits up to asOf, oldest first, indexed once per evaluation
	adByDir map[string][]*ADAudit
	expByEJ map[org.FINESS][]*ExposureAudit
}

// index sorts and indexes the audits dated up to asOf.
func (e *evaluator) index() {
	e.adByDir = map[string][]*ADAudit{}
	for i := range e.f.ADAudits {
		a := &e.f.ADAudits[i]
		if !a.Date.After(e.asOf) {
			e.adByDir[a.Directory] = append(e.adByDir[a.Directory], a)
		}
	}
	for _, as := range e.adByDir {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Date.Before(as[j].Date) })
	}
	e.expByEJ = map[org.FINESS][]*ExposureAudit{}
	for i := range e.f.ExposureAudits {
		a := &e.f.ExposureAudits[i]
		if a.Date.After(e.asOf) {
			continue
		}
		for _, f := range a.Entities {
			e.expByEJ[f] = append(e.expByEJ[f], a)
		}
	}
	for _, as := range e.expByEJ {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Date.Before(as[j].Date) })
	}
}

// Evaluate computes the programme's state for the facts at asOf with the
// embedded catalogue.
func Evaluate(f *Facts, asOf civil.Date) (*Evaluation, error) {
	c, err := DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	return c.Evaluate(f, asOf, Options{})
}

// Evaluate computes the programme's state for the facts at asOf.
func (c *Catalogue) Evaluate(f *Facts, asOf civil.Date, opts Options) (*Evaluation, error) {
	w, err := c.Wave(f.Wave)
	if err != nil {
		return nil, err
	}
	e := &evaluator{f: f, w: w, asOf: asOf, opts: opts, tree: org.NewTree(f.Entities), deadline: w.Deadline()}
	if err := e.findApplicant(); err != nil {
		return nil, err
	}
	e.index()
	ev := &Evaluation{AsOf: asOf, Wave: w.ID, Applicant: e.applicant.FINESS, ApplicantName: e.applicant.Name}
	if f.GHT != nil {
		ev.GHT = f.GHT.Code
	}
	ev.Prerequisites, ev.Eligible = e.prerequisites()
	for i := range w.Objectives {
		o := &w.Objectives[i]
		rs := rules[o.Rule](e, o)
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Entity < rs[j].Entity })
		for j := range rs {
			rs[j].Objective = o.ID
			if rs[j].Evidence == nil {
				rs[j].Evidence = []Evidence{}
			}
		}
		ev.Results = append(ev.Results, rs...)
		ev.Objectives = append(ev.Objectives, summarize(o, rs))
	}
	ev.Dossier = e.dossier()
	return ev, nil
}

func (e *evaluator) findApplicant() error {
	for _, ej := range e.tree.LegalEntities() {
		e.ejs = append(e.ejs, ej)
	}
	if len(e.ejs) == 0 {
		return fmt.Errorf("%w : aucune entité juridique (EJ) dans le dossier", ErrNoApplicant)
	}
	if g := e.f.GHT; g != nil {
		e.applicant = e.tree.Get(g.Support)
		if e.applicant == nil || e.applicant.Kind != org.EJ {
			return fmt.Errorf("%w : l'établissement support %s du GHT %s n'est pas une EJ du dossier", ErrNoApplicant, g.Support, g.Code)
		}
		return nil
	}
	if len(e.ejs) > 1 {
		return fmt.Errorf("%w : %d EJ hors GHT dans un même dossier (une EJ porte seule ses EG)", ErrNoApplicant, len(e.ejs))
	}
	e.applicant = e.ejs[0]
	return nil
}

// pastDeadline reports whether the declaration deadline has passed at asOf.
func (e *evaluator) pastDeadline() bool {
	return !e.deadline.IsZero() && e.asOf.After(e.deadline)
}

// pending is the status of something not yet done: in progress before the
// deadline, not met after it.
func (e *evaluator) pending() Status {
	if e.pastDeadline() {
		return NotMet
	}
	return InProgress
}

// accepted reports whether an audit source counts for an objective.
func (e *evaluator) accepted(o *Objective, source string) bool {
	if e.opts.IncludeVigie && source == SourceVigie {
		return true
	}
	return len(o.Params.Sources) == 0 || slices.Contains(o.Params.Sources, source)
}

func (e *evaluator) name(f org.FINESS) string {
	if x := e.tree.Get(f); x != nil {
		return x.Name
	}
	return ""
}

func (e *evaluator) prerequisites() ([]Result, bool) {
	eligible := true
	var out []Result
	for _, def := range e.w.Prerequisites {
		for _, ej := range e.ejs {
			r := Result{Objective: def.ID, Entity: string(ej.FINESS), EntityName: ej.Name, Evidence: []Evidence{}}
			var rec *Prerequisite
			for i := range e.f.Prerequisites {
				p := &e.f.Prerequisites[i]
				if p.Entity == ej.FINESS && NormalizeID(p.ID) == def.ID && (p.Date.IsZero() || !p.Date.After(e.asOf)) {
					rec = p
				}
			}
			switch {
			case rec == nil:
				r.Status, r.Reason = MissingData, fmt.Sprintf("prérequis %s (%s) non renseigné", def.ID, def.Title)
			case rec.Met:
				r.Status, r.Reason = Met, fmt.Sprintf("prérequis %s rempli", def.ID)
				r.Evidence = append(r.Evidence, Evidence{Kind: "prerequisite", Ref: def.ID, Date: rec.Date})
			default:
				r.Status, r.Reason = NotMet, fmt.Sprintf("prérequis %s non rempli : %s", def.ID, def.Title)
				r.Evidence = append(r.Evidence, Evidence{Kind: "prerequisite", Ref: def.ID, Date: rec.Date})
			}
			if r.Status != Met {
				eligible = false
			}
			out = append(out, r)
		}
	}
	return out, eligible
}

func summarize(o *Objective, rs []Result) ObjectiveSummary {
	s := ObjectiveSummary{Objective: o.ID, Title: o.Title, Status: NotApplicable, Total: len(rs)}
	for _, r := range rs {
		if r.Status == Met {
			s.Met++
		}
		if r.Status.severity() > s.Status.severity() {
			s.Status = r.Status
		}
	}
	return s
}

func sortByDue(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Next.Due.Before(rs[j].Next.Due) })
}
