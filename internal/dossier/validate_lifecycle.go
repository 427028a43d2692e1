package dossier

import (
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
)

var steps = []string{"candidature_submitted", care.StepCandidatureValidated, care.StepDeclared, "instructed", "controlled", "attestation", "paid"}

func (d *raw) lifecycle(v *validator, f *care.Facts) {
	if d.Dossier == nil {
		return
	}
	f.Dossier.CeilingEUR = d.Dossier.CeilingEUR
	if d.Dossier.CeilingEUR < 0 {
		v.fail("dossier.ceiling_eur", "montant négatif")
	}
	last := -1
	var lastDate civil.Date
	notMet, notMetPath := civil.Date{}, ""
	for _, it := range elements[rawStep](v, "dossier.steps", d.Dossier.Steps, nil) {
		p, s := it.path, it.val
		idx := slices.Index(steps, s.Step)
		if idx < 0 {
			v.fail(p+".step", "étape %q inconnue (attendu %s)", s.Step, strings.Join(steps, ", "))
		}
		date := v.date(p+".date", s.Date, true)
		if idx >= 0 && idx <= last {
			v.fail(p+".step", "étape %q hors d'ordre ou en double", s.Step)
		}
		if !date.IsZero() && date.Before(lastDate) {
			v.fail(p+".date", "date antérieure à l'étape précédente")
		}
		v.required(p+".by", s.By)
		if s.Step == "attestation" && s.Outcome != string(care.Met) && s.Outcome != string(care.NotMet) {
			v.fail(p+".outcome", "résultat de l'attestation obligatoire : \"met\" ou \"not_met\"")
		}
		if s.Step == "paid" && !notMet.IsZero() {
			v.fail(p+".step", "aucun paiement possible après l'attestation « non atteint » (%s)", notMetPath)
		}
		if s.Step == "attestation" && s.Outcome == string(care.NotMet) && !date.IsZero() {
			notMet, notMetPath = date, p
		}
		if idx > last {
			last = idx
		}
		if !date.IsZero() {
			lastDate = date
		}
		f.Dossier.Steps = append(f.Dossier.Steps, care.Step{Step: s.Step, Date: date, By: s.By, Outcome: s.Outcome, Note: s.Note})
	}
	for _, it := range elements[rawPayment](v, "dossier.payments", d.Dossier.Payments, nil) {
		p, pm := it.path, it.val
		if pm.AmountEUR <= 0 {
			v.fail(p+".amount_eur", "montant invalide : %s", french.Decimal(pm.AmountEUR, 6))
		}
		obj := pm.Objective
		if obj != "" {
			obj = v.objective(p+".objective", obj)
		}
		date := v.date(p+".date", pm.Date, true)
		if !notMet.IsZero() && !date.IsZero() && !date.Before(notMet) {
			v.fail(p+".date", "paiement du %s après l'attestation « non atteint » du %s (%s) : cette décision est définitive, sans financement",
				date.French(), notMet.French(), notMetPath)
		}
		f.Dossier.Payments = append(f.Dossier.Payments, care.Payment{Date: date, AmountEUR: pm.AmountEUR, By: pm.By, Objective: obj})
	}
}
