package care

import "fmt"

// dossier works out where the application stands at the evaluation date:
// steps done, the next one in words with its calendar due date, whether it
// is over, whether declaring is possible.
func (e *evaluator) dossier() DossierStatus {
	d := DossierStatus{Done: []Step{}, Deadline: e.deadline, CeilingEUR: e.f.Dossier.CeilingEUR, Closed: e.closed}
	if w, ok := e.w.Window("declaration"); ok {
		d.DeclarationOpen = w.Contains(e.now)
	}
	if w, ok := e.w.Window("payment"); ok {
		d.PaymentEnds = w.Revisions
	}
	done := map[string]Step{}
	for _, s := range e.f.Dossier.Steps {
		if !s.Date.After(e.now) {
			done[s.Step] = s
		}
	}
	for _, p := range e.f.Dossier.Payments {
		if !p.Date.After(e.now) {
			d.PaidEUR += p.AmountEUR
		}
	}
	d.Declared = done[StepDeclared].Date
	for i := range e.w.Steps {
		def := &e.w.Steps[i]
		s, ok := done[def.ID]
		if !ok {
			if !d.Final {
				d.Next = def
			}
			break
		}
		d.Done = append(d.Done, s)
		if def.FinalIf != "" && s.Outcome == def.FinalIf {
			d.Final = true
			d.FinalReason = fmt.Sprintf("%s le %s : %s — décision définitive, sans financement ni nouvelle déclaration", def.Title, s.Date.French(), Status(s.Outcome).French())
			break
		}
	}
	e.nextAction(&d)
	return d
}

// nextAction says what comes next for the dossier. While the window is
// open: declare by the deadline. Once closed: a dossier never declared is
// said so plainly; a declared one waits for its next step (ARS
// instruction, ANS control, attestation, payment), with the calendar's end
// of that step as due date when it is still ahead.
func (e *evaluator) nextAction(d *DossierStatus) {
	switch {
	case d.Final || d.Next == nil:
		return
	case !e.closed && d.Next.ID == StepDeclared:
		if !e.deadline.IsZero() && !e.deadline.Before(e.now) {
			d.NextAction = &Next{Action: fmt.Sprintf("déclarer l'atteinte des objectifs au plus tard le %s", e.deadline.French()), Due: e.deadline}
		}
		return
	case !e.closed:
		return
	case d.Declared.IsZero() || d.Declared.After(e.deadline):
		d.NotDeclared = true
		d.Notice = fmt.Sprintf("Dossier non déclaré à la clôture de la fenêtre de déclaration le %s : l'atteinte des objectifs de la vague %s ne peut plus être déclarée, aucun financement n'est possible pour cette vague.",
			e.deadline.French(), e.w.ID)
		if !d.Declared.IsZero() {
			d.Notice = fmt.Sprintf("Déclaration enregistrée le %s, après la clôture de la fenêtre de déclaration le %s : elle est hors délai pour la vague %s.",
				d.Declared.French(), e.deadline.French(), e.w.ID)
		}
		return
	}
	action := fmt.Sprintf("attendre l'étape « %s » (%s)", d.Next.Title, d.Next.Actor)
	n := &Next{Action: action}
	if w, ok := e.w.Window(d.Next.Window); ok && !w.End.IsZero() {
		if w.End.Before(e.now) {
			n.Action += fmt.Sprintf(" : le calendrier la prévoyait au plus tard le %s", w.End.French())
		} else {
			n.Action += fmt.Sprintf(", prévue au calendrier au plus tard le %s", w.End.French())
			n.Due = w.End
		}
	}
	d.NextAction = n
}
