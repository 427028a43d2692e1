package care

import (
	"fmt"
	"sort"

	"vigie/internal/civil"
	"vigie/internal/org"
)

// Dossier steps the engine reads.
const (
	StepDeclared             = "declared"
	StepCandidatureValidated = "candidature_validated"
)

// step returns the date of a dossier step recorded up to the evaluation
// date (the first one, steps being unique), or the zero date.
func (e *evaluator) step(id string) civil.Date {
	for _, s := range e.f.Dossier.Steps {
		if s.Step == id && !s.Date.After(e.now) {
			return s.Date
		}
	}
	return civil.Date{}
}

// freeze sets the judgement date. While the declaration window is open it
// is the evaluation date. Once the deadline has passed, it is the
// declaration date when one is recorded (never later than the deadline),
// else the deadline: facts dated later never count for the wave.
func (e *evaluator) freeze() *Frozen {
	if e.deadline.IsZero() || !e.now.After(e.deadline) {
		return nil
	}
	e.closed = true
	fr := &Frozen{At: e.deadline, Basis: "deadline"}
	declared := e.step(StepDeclared)
	switch {
	case declared.IsZero():
		fr.Note = fmt.Sprintf("Fenêtre de déclaration close le %s sans déclaration enregistrée : verdicts figés sur les faits datés jusqu'à cette date limite", e.deadline.French())
	case declared.After(e.deadline):
		fr.Note = fmt.Sprintf("Déclaration enregistrée le %s, après la date limite du %s : verdicts figés sur les faits datés jusqu'à la date limite", declared.French(), e.deadline.French())
	default:
		fr.At, fr.Basis = declared, "declaration"
		fr.Note = fmt.Sprintf("Fenêtre de déclaration close le %s : verdicts figés sur les faits datés jusqu'au %s, date de la déclaration", e.deadline.French(), declared.French())
	}
	fr.Note += fmt.Sprintf(" ; les faits postérieurs ne comptent pas pour la vague %s.", e.w.ID)
	e.at = fr.At
	return fr
}

// setPhase finds the start of the dossier's operational phase: the date of
// the catalogue's start step (the ARS validation of the candidature) when
// recorded, else the catalogue's default start.
func (e *evaluator) setPhase() {
	e.phaseStart, e.phaseFrom = e.w.Phase.Start, "début par défaut de la phase opérationnelle"
	if id := e.w.Phase.StartStep; id != "" {
		for _, s := range e.f.Dossier.Steps {
			if s.Step == id && !s.Date.IsZero() {
				e.phaseStart, e.phaseFrom = s.Date, "validation de la candidature"
				break
			}
		}
	}
}

// phaseEnd is the last day the cadence is judged on: the judgement date,
// never after the end of the operational phase.
func (e *evaluator) phaseEnd() civil.Date {
	end := e.at
	if pe := e.w.Phase.End; !pe.IsZero() && end.After(pe) {
		end = pe
	}
	return end
}

// posture reports the latest audits up to the evaluation date, whatever
// their source, for a closed wave: steering only.
func (e *evaluator) posture() *Posture {
	p := &Posture{AsOf: e.now, Directories: []DirectoryPosture{}, Exposure: []ExposurePosture{},
		Note: fmt.Sprintf("Situation actuelle au %s, pour le pilotage : elle ne compte pas pour la vague %s, dont les verdicts sont figés au %s.",
			e.now.French(), e.w.ID, e.at.French())}
	for _, d := range e.f.Directories {
		dp := DirectoryPosture{Directory: d.ID, Name: d.Name}
		for i := range e.f.ADAudits {
			a := &e.f.ADAudits[i]
			if a.Directory == d.ID && !a.Date.After(e.now) && !a.Date.Before(dp.Date) {
				dp.Date, dp.Level, dp.Source = a.Date, a.Level, a.Source
				dp.Provisional, dp.ProvisionalPoints = a.IsProvisional(), a.ProvisionalPoints
			}
		}
		p.Directories = append(p.Directories, dp)
	}
	for _, ej := range e.ejs {
		xp := ExposurePosture{Entity: ej.FINESS, Name: ej.Name}
		for i := range e.f.ExposureAudits {
			a := &e.f.ExposureAudits[i]
			if !a.CompletePerimeter || a.Date.After(e.now) || a.Date.Before(xp.Date) || !covers(a, ej.FINESS) {
				continue
			}
			xp.Date, xp.Source, xp.Critical = a.Date, a.Source, nil
			if n, known := criticals(a); known {
				xp.Critical = &n
			}
		}
		p.Exposure = append(p.Exposure, xp)
	}
	sort.Slice(p.Directories, func(i, j int) bool { return p.Directories[i].Directory < p.Directories[j].Directory })
	sort.Slice(p.Exposure, func(i, j int) bool { return p.Exposure[i].Entity < p.Exposure[j].Entity })
	return p
}

func covers(a *ExposureAudit, f org.FINESS) bool {
	for _, x := range a.Entities {
		if x == f {
			return true
		}
	}
	return false
}
