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
	opts      Options
	tree      *org.Tree
	applicant *org.Entity
	ejs       []*org.Entity // the EJ of the dossier
	deadline  civil.Date
	// now is the evaluation date; at is the judgement date: now while the
	// declaration window is open, then the declaration date (or the
	// deadline) — facts dated after at never count.
	now, at civil.Date
	// closed: the declaration deadline has passed at now; verdicts are
	// final and no next action is proposed for the wave.
	closed bool
	// phaseStart is the start of the dossier's operational phase and
	// phaseFrom says where it comes from (for reasons).
	phaseStart civil.Date
	phaseFrom  string
	// audits up to at, oldest first, indexed once per evaluation
	adByDir map[string][]*ADAudit
	expByEJ map[org.FINESS][]*ExposureAudit
	// expEvidence caches the evidence of an exposure audit (shared by the
	// EJ of a GHT and by several objectives).
	expEvidence map[*ExposureAudit]Evidence
	// adNext caches the date of the next ADS audit of each directory
	// (D1.O1.A and D1.O1.B must agree on it).
	adNext map[string]civil.Date
}

// index sorts and indexes the audits dated up to at.
func (e *evaluator) index() {
	e.adByDir = make(map[string][]*ADAudit, len(e.f.Directories))
	for i := range e.f.ADAudits {
		a := &e.f.ADAudits[i]
		if !a.Date.After(e.at) {
			e.adByDir[a.Directory] = append(e.adByDir[a.Directory], a)
		}
	}
	for _, as := range e.adByDir {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Date.Before(as[j].Date) })
	}
	e.expByEJ = make(map[org.FINESS][]*ExposureAudit, len(e.ejs))
	for i := range e.f.ExposureAudits {
		a := &e.f.ExposureAudits[i]
		if a.Date.After(e.at) {
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

// Evaluate computes the programme's state for the facts at asOf. Once the
// wave's declaration deadline has passed, the verdicts are those of the
// facts dated up to the declaration date (else the deadline), and the
// current posture is reported apart (Evaluation.Frozen, Evaluation.Current).
func (c *Catalogue) Evaluate(f *Facts, asOf civil.Date, opts Options) (*Evaluation, error) {
	w, err := c.Wave(f.Wave)
	if err != nil {
		return nil, err
	}
	e := &evaluator{f: f, w: w, now: asOf, at: asOf, opts: opts, tree: org.NewTree(f.Entities), deadline: w.Deadline(),
		adNext: map[string]civil.Date{}}
	if err := e.findApplicant(); err != nil {
		return nil, err
	}
	ev := &Evaluation{AsOf: asOf, Wave: w.ID, Applicant: e.applicant.FINESS, ApplicantName: e.applicant.Name}
	ev.Frozen = e.freeze()
	e.setPhase()
	e.index()
	if f.GHT != nil {
		ev.GHT = f.GHT.Code
	}
	ev.Prerequisites, ev.Eligible = e.prerequisites()
	ev.Results = make([]Result, 0, 2*len(f.Directories)+4*len(e.ejs)+2*len(f.Entities)+2)
	ev.Objectives = make([]ObjectiveSummary, 0, len(w.Objectives))
	for i := range w.Objectives {
		o := &w.Objectives[i]
		rs := rules[o.Rule](e, o)
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Entity < rs[j].Entity })
		for j := range rs {
			rs[j].Objective = o.ID
			if rs[j].Evidence == nil {
				rs[j].Evidence = []Evidence{}
			}
			if e.closed {
				rs[j].Next = nil
			}
		}
		ev.Results = append(ev.Results, rs...)
		ev.Objectives = append(ev.Objectives, summarize(o, rs))
	}
	ev.Dossier = e.dossier()
	if ev.Frozen != nil {
		ev.Current = e.posture()
	}
	return ev, nil
}

func (e *evaluator) findApplicant() error {
	e.ejs = append(e.ejs, e.tree.LegalEntities()...)
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

// pastDeadline reports whether verdicts are final: the declaration window
// has closed at the evaluation date.
func (e *evaluator) pastDeadline() bool { return e.closed }

// pending is the status of something not yet done: in progress while the
// window is open, not met once it has closed.
func (e *evaluator) pending() Status {
	if e.closed {
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
