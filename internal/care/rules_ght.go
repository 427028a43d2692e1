package care

import (
	"fmt"
	"strings"
)

// ghtResult starts the single result of a GHT-only objective; outside a GHT
// it is final: not applicable.
func (e *evaluator) ghtResult() (Result, bool) {
	if e.f.GHT == nil {
		return Result{Entity: string(e.applicant.FINESS), EntityName: e.applicant.Name, Status: NotApplicable,
			Reason: "objectif propre aux GHT : le dossier est porté par un établissement hors GHT"}, false
	}
	r := Result{Entity: e.f.GHT.Code, EntityName: e.f.GHT.Name}
	if e.governance() == nil {
		r.Status, r.Reason = MissingData, "gouvernance des annuaires du GHT non renseignée"
		if e.f.Governance != nil || len(e.f.GovernanceHistory) > 0 {
			r.Reason += fmt.Sprintf(" au %s (les saisies sont postérieures)", e.at.French())
		}
		return r, false
	}
	return r, true
}

// governance returns the governance record in force at the judgement
// date: the latest by its own date among those dated up to it (an undated
// record is the oldest).
func (e *evaluator) governance() *Governance {
	var best *Governance
	consider := func(g *Governance) {
		if g.Date.After(e.at) {
			return
		}
		if best == nil || g.Date.After(best.Date) {
			best = g
		}
	}
	if e.f.Governance != nil {
		consider(e.f.Governance)
	}
	for i := range e.f.GovernanceHistory {
		consider(&e.f.GovernanceHistory[i])
	}
	return best
}

// governanceRef names the record used.
func governanceRef(code string, g *Governance) string {
	if g.Date.IsZero() {
		return code
	}
	return code + "@" + g.Date.French()
}

func ruleGHTGovernance(e *evaluator, o *Objective) []Result {
	r, ok := e.ghtResult()
	if !ok {
		return []Result{r}
	}
	g := e.governance()
	var no, unknown, yes []string
	check := func(v *bool, label string) {
		switch {
		case v == nil:
			unknown = append(unknown, label)
		case *v:
			yes = append(yes, label)
		default:
			no = append(no, label)
		}
	}
	if strings.TrimSpace(g.Referent) == "" {
		unknown = append(unknown, "référent projet")
	} else {
		yes = append(yes, "référent projet : "+g.Referent)
	}
	check(g.SingleADTeam, "équipe unique d'exploitation des annuaires")
	check(g.Governance, "gouvernance à l'échelle du GHT")
	r.Evidence = []Evidence{{Kind: "governance", Ref: governanceRef(e.f.GHT.Code, g), Date: g.Date, Detail: strings.Join(yes, " ; ")}}
	switch {
	case len(no) > 0:
		r.Status, r.Reason = NotMet, "absent : "+strings.Join(no, ", ")
	case len(unknown) > 0:
		r.Status, r.Reason = MissingData, "non renseigné : "+strings.Join(unknown, ", ")
	default:
		r.Status, r.Reason = Met, strings.Join(yes, " ; ")
	}
	if !g.Date.IsZero() {
		r.Reason += fmt.Sprintf(" (saisie du %s)", g.Date.French())
	}
	if r.Status != Met && !e.pastDeadline() {
		r.Next = &Next{Action: fmt.Sprintf("compléter la gouvernance AD du GHT au plus tard le %s", e.deadline.French()), Due: e.deadline}
	}
	return []Result{r}
}

func ruleGHTConvergence(e *evaluator, o *Objective) []Result {
	r, ok := e.ghtResult()
	if !ok {
		return []Result{r}
	}
	g := e.governance()
	switch {
	case g.AlreadyConverged && strings.TrimSpace(g.ConvergedDescription) == "":
		r.Status, r.Reason = MissingData, "annuaires déclarés convergés : joindre la description de l'annuaire convergé (pièce justificative)"
	case g.AlreadyConverged:
		r.Status, r.Reason = Met, "annuaires du GHT déjà convergés"
		r.Evidence = []Evidence{{Kind: "governance", Ref: e.f.GHT.Code + "/annuaire-converge", Detail: g.ConvergedDescription}}
	case !g.ConvergenceValidatedOn.IsZero() && !g.ConvergenceValidatedOn.After(e.at):
		r.Status, r.Reason = Met, fmt.Sprintf("document de convergence validé par le comité stratégique le %s", g.ConvergenceValidatedOn.French())
		r.Evidence = []Evidence{{Kind: "governance", Ref: e.f.GHT.Code + "/convergence", Date: g.ConvergenceValidatedOn}}
	default:
		r.Status, r.Reason = e.pending(), "document de convergence des annuaires non encore validé par le comité stratégique du GHT"
		if v := g.ConvergenceValidatedOn; v.After(e.at) {
			r.Reason += fmt.Sprintf(" au %s (validation du %s, postérieure)", e.at.French(), v.French())
		}
		if !e.pastDeadline() {
			r.Next = &Next{Action: fmt.Sprintf("faire valider le document de convergence au plus tard le %s", e.deadline.French()), Due: e.deadline}
		}
	}
	return []Result{r}
}
