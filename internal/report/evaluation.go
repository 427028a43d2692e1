package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// EvaluationJSON writes the evaluation as indented JSON.
func EvaluationJSON(w io.Writer, ev *care.Evaluation) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ev)
}

// StatusMark returns a one-character mark for a status in text tables.
func StatusMark(s care.Status) string {
	switch s {
	case care.Met:
		return "✔"
	case care.NotMet:
		return "✘"
	case care.InProgress:
		return "…"
	case care.MissingData:
		return "?"
	}
	return "–"
}

// EvaluationTable writes the evaluation as a French text report: the
// verdict per objective first, then each entity with its reason and next step.
func EvaluationTable(w io.Writer, ev *care.Evaluation, wave *care.Wave, detail bool) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s\n", wave.Title)
	who := fmt.Sprintf("%s (%s)", ev.ApplicantName, ev.Applicant)
	if ev.GHT != "" {
		who = fmt.Sprintf("GHT %s, porté par %s", ev.GHT, who)
	}
	fmt.Fprintf(b, "Dossier : %s — évaluation au %s\n", who, ev.AsOf.French())
	b.WriteString(eligibilityLine(ev))
	b.WriteString(dossierLine(ev, wave))
	b.WriteString("\n")

	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECTIF\tSTATUT\tENTITÉS\tINTITULÉ")
	for _, o := range ev.Objectives {
		fmt.Fprintf(tw, "%s\t%s %s\t%d/%d\t%s\n", o.Objective, StatusMark(o.Status), o.Status.French(), o.Met, o.Total, o.Title)
	}
	tw.Flush()

	if detail {
		b.WriteString("\nDétail par entité\n")
		for _, o := range ev.Objectives {
			fmt.Fprintf(b, "\n%s — %s : %s\n", o.Objective, o.Title, o.Status.French())
			for _, r := range ev.Results {
				if r.Objective != o.Objective {
					continue
				}
				name := r.Entity
				if r.EntityName != "" && r.EntityName != r.Entity {
					name = fmt.Sprintf("%s (%s)", r.EntityName, r.Entity)
				}
				fmt.Fprintf(b, "  %s %s — %s : %s\n", StatusMark(r.Status), name, r.Status.French(), r.Reason)
				if len(r.Evidence) > 0 {
					refs := make([]string, len(r.Evidence))
					for i, e := range r.Evidence {
						refs[i] = e.Ref
					}
					fmt.Fprintf(b, "      preuves : %s\n", strings.Join(refs, ", "))
				}
				if r.Next != nil {
					fmt.Fprintf(b, "      → %s\n", r.Next.Action)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func eligibilityLine(ev *care.Evaluation) string {
	if ev.Eligible {
		return "Éligibilité : oui (prérequis PS2.1 et PS2.2 remplis)\n"
	}
	var why []string
	for _, p := range ev.Prerequisites {
		if p.Status != care.Met {
			why = append(why, fmt.Sprintf("%s %s : %s", p.Objective, p.Entity, p.Status.French()))
		}
	}
	return "Éligibilité : non — " + strings.Join(why, " ; ") + "\n"
}

func dossierLine(ev *care.Evaluation, wave *care.Wave) string {
	d := ev.Dossier
	var parts []string
	if n := len(d.Done); n > 0 {
		last := d.Done[n-1]
		title := last.Step
		for _, s := range wave.Steps {
			if s.ID == last.Step {
				title = s.Title
			}
		}
		parts = append(parts, fmt.Sprintf("dernière étape « %s » le %s (%s)", title, last.Date.French(), last.By))
	}
	switch {
	case d.Final:
		parts = append(parts, d.FinalReason)
	case d.Next != nil:
		parts = append(parts, fmt.Sprintf("prochaine étape : %s (%s)", d.Next.Title, d.Next.Actor))
	}
	if d.DeclarationOpen {
		parts = append(parts, fmt.Sprintf("déclaration ouverte jusqu'au %s", d.Deadline.French()))
	} else {
		parts = append(parts, fmt.Sprintf("déclaration fermée (date limite : %s)", d.Deadline.French()))
	}
	return "Cycle du dossier : " + strings.Join(parts, " ; ") + "\n"
}

// OverviewTable prints one line per dossier with each objective's status.
func OverviewTable(w io.Writer, evs []*care.Evaluation, asOf civil.Date) error {
	fmt.Fprintf(w, "État des dossiers CaRE au %s (✔ atteint, ✘ non atteint, … en cours, ? données manquantes, – non applicable)\n\n", asOf.French())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(evs) > 0 {
		head := []string{"DOSSIER", "PORTEUR", "ÉLIGIBLE"}
		for _, o := range evs[0].Objectives {
			head = append(head, o.Objective)
		}
		fmt.Fprintln(tw, strings.Join(head, "\t"))
	}
	for _, ev := range evs {
		id := string(ev.Applicant)
		if ev.GHT != "" {
			id = ev.GHT
		}
		eligible := "oui"
		if !ev.Eligible {
			eligible = "non"
		}
		cells := []string{id, ev.ApplicantName, eligible}
		for _, o := range ev.Objectives {
			cells = append(cells, fmt.Sprintf("%s %d/%d", StatusMark(o.Status), o.Met, o.Total))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
