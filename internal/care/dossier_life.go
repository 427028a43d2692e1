package care

import "fmt"

// dossier works out where the application stands: steps done, the next one,
// whether it is over, whether declaring is possible at asOf.
func (e *evaluator) dossier() DossierStatus {
	d := DossierStatus{Done: []Step{}, Deadline: e.deadline, CeilingEUR: e.f.Dossier.CeilingEUR}
	if w, ok := e.w.Window("declaration"); ok {
		d.DeclarationOpen = w.Contains(e.asOf)
	}
	if w, ok := e.w.Window("payment"); ok {
		d.PaymentEnds = w.Revisions
	}
	done := map[string]Step{}
	for _, s := range e.f.Dossier.Steps {
		if !s.Date.After(e.asOf) {
			done[s.Step] = s
		}
	}
	for _, p := range e.f.Dossier.Payments {
		if !p.Date.After(e.asOf) {
			d.PaidEUR += p.AmountEUR
		}
	}
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
	return d
}
