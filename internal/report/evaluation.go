package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
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

// ResultMark is StatusMark for one result: a success that carries a
// warning (a past cadence gap under the lenient reading) is never shown
// with the success mark.
func ResultMark(r care.Result) string {
	if r.Status == care.Met && len(r.Warnings) > 0 {
		return "!"
	}
	return StatusMark(r.Status)
}

// summaryMark marks an objective's summary: "!" when it is met but one of
// its results carries a warning.
func summaryMark(ev *care.Evaluation, o care.ObjectiveSummary) string {
	if o.Status == care.Met {
		for _, r := range ev.Results {
			if r.Objective == o.Objective && len(r.Warnings) > 0 {
				return "!"
			}
		}
	}
	return StatusMark(o.Status)
}

// EvaluationTable writes the evaluation as a French text report: the
// verdict per objective first, then each entity with its reason and next
// step; for a closed wave, the frozen verdict then the current posture,
// apart.
func EvaluationTable(w io.Writer, ev *care.Evaluation, wave *care.Wave, detail bool) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s\n", wave.Title)
	who := fmt.Sprintf("%s (%s)", ev.ApplicantName, ev.Applicant)
	if ev.GHT != "" {
		who = fmt.Sprintf("GHT %s, porté par %s", ev.GHT, who)
	}
	fmt.Fprintf(b, "Dossier : %s — évaluation au %s\n", who, ev.AsOf.French())
	if ev.Dossier.Notice != "" {
		fmt.Fprintf(b, "⚠ %s\n", ev.Dossier.Notice)
	}
	if ev.Frozen != nil {
		fmt.Fprintf(b, "Verdict de la vague : %s\n", ev.Frozen.Note)
	}
	b.WriteString(eligibilityLine(ev))
	b.WriteString(dossierLine(ev, wave))
	b.WriteString("\n")

	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECTIF\tSTATUT\tENTITÉS\tINTITULÉ")
	for _, o := range ev.Objectives {
		fmt.Fprintf(tw, "%s\t%s %s\t%d/%d\t%s\n", o.Objective, summaryMark(ev, o), o.Status.French(), o.Met, o.Total, o.Title)
	}
	tw.Flush()

	if detail {
		b.WriteString("\nDétail par entité\n")
		for _, o := range ev.Objectives {
			fmt.Fprintf(b, "\n%s — %s : %s\n", o.Objective, o.Title, o.Status.French())
			for _, r := range ev.Results {
				if r.Objective == o.Objective {
					writeResult(b, r)
				}
			}
		}
	}
	writePosture(b, ev.Current)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeResult(b *strings.Builder, r care.Result) {
	name := r.Entity
	if r.EntityName != "" && r.EntityName != r.Entity {
		name = fmt.Sprintf("%s (%s)", r.EntityName, r.Entity)
	}
	fmt.Fprintf(b, "  %s %s — %s : %s\n", ResultMark(r), name, r.Status.French(), r.Reason)
	if r.Done != nil && r.Expected != nil {
		fmt.Fprintf(b, "      audits : %s / %s\n", french.Plural(*r.Done, "réalisé", "réalisés"), french.Plural(*r.Expected, "attendu", "attendus"))
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(b, "      ! %s\n", w)
	}
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

// writePosture writes the current posture of a closed wave, apart.
func writePosture(b *strings.Builder, p *care.Posture) {
	if p == nil {
		return
	}
	fmt.Fprintf(b, "\nSituation actuelle — NE COMPTE PAS pour la vague\n%s\n", p.Note)
	for _, d := range p.Directories {
		if d.Date.IsZero() {
			fmt.Fprintf(b, "  annuaire %s : aucun audit\n", d.Name)
			continue
		}
		fmt.Fprintf(b, "  annuaire %s : %s au dernier audit (%s, %s)\n", d.Name, d.LevelText(), d.Source, d.Date.French())
	}
	for _, x := range p.Exposure {
		switch {
		case x.Date.IsZero():
			fmt.Fprintf(b, "  exposition de %s : aucun audit de tout le périmètre\n", x.Name)
		case x.Critical == nil && x.NoCritical != nil && *x.NoCritical:
			fmt.Fprintf(b, "  exposition de %s : aucune vulnérabilité critique au dernier audit (%s, %s)\n", x.Name, x.Source, x.Date.French())
		case x.Critical == nil && x.NoCritical != nil:
			fmt.Fprintf(b, "  exposition de %s : au moins une vulnérabilité critique au dernier audit (%s, %s)\n", x.Name, x.Source, x.Date.French())
		case x.Critical == nil:
			fmt.Fprintf(b, "  exposition de %s : dernier audit le %s (%s), nombre de vulnérabilités critiques inconnu\n", x.Name, x.Date.French(), x.Source)
		case *x.Critical == 0:
			fmt.Fprintf(b, "  exposition de %s : aucune vulnérabilité critique au dernier audit (%s, %s)\n", x.Name, x.Source, x.Date.French())
		default:
			fmt.Fprintf(b, "  exposition de %s : %s au dernier audit (%s, %s)\n", x.Name,
				french.Plural(*x.Critical, "vulnérabilité critique", "vulnérabilités critiques"), x.Source, x.Date.French())
		}
	}
}

func eligibilityLine(ev *care.Evaluation) string {
	if ev.Eligible {
		var order []string
		byEntity := map[string][]care.Result{}
		for _, p := range ev.Prerequisites {
			if _, ok := byEntity[p.Entity]; !ok {
				order = append(order, p.Entity)
			}
			byEntity[p.Entity] = append(byEntity[p.Entity], p)
		}
		var who []string
		for _, ent := range order {
			who = append(who, fmt.Sprintf("%s (%s : %s)", byEntity[ent][0].EntityName, ent, recordsUsed(byEntity[ent])))
		}
		return "Éligibilité : oui — prérequis remplis par " + strings.Join(who, ", ") + "\n"
	}
	var why []string
	for _, p := range ev.Prerequisites {
		if p.Status != care.Met {
			why = append(why, fmt.Sprintf("%s de %s (%s) : %s — %s", p.Objective, p.EntityName, p.Entity, p.Status.French(), p.Reason))
		}
	}
	return "Éligibilité : non — " + strings.Join(why, " ; ") + "\n"
}

// recordsUsed names the prerequisite records of one EJ: "PS2.1 et PS2.2
// saisis le 01/03/2024", or each with its own date.
func recordsUsed(rs []care.Result) string {
	ids := make([]string, len(rs))
	dates := map[string]bool{}
	var parts []string
	for i, r := range rs {
		ids[i] = r.Objective
		d := "saisi sans date"
		for _, e := range r.Evidence {
			if !e.Date.IsZero() {
				d = "saisi le " + e.Date.French()
			}
		}
		dates[d] = true
		parts = append(parts, r.Objective+" "+d)
	}
	if len(dates) == 1 && len(rs) > 1 {
		for d := range dates {
			return french.List(ids) + " " + strings.Replace(d, "saisi ", "saisis ", 1)
		}
	}
	return strings.Join(parts, ", ")
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
	case d.NextAction != nil:
		parts = append(parts, "prochaine étape : "+d.NextAction.Action)
	case d.Next != nil && !d.NotDeclared:
		parts = append(parts, fmt.Sprintf("prochaine étape : %s (%s)", d.Next.Title, d.Next.Actor))
	}
	switch {
	case d.DeclarationOpen:
		parts = append(parts, fmt.Sprintf("déclaration ouverte jusqu'au %s", d.Deadline.French()))
	case d.Closed:
		parts = append(parts, fmt.Sprintf("déclaration close depuis le %s", d.Deadline.French()))
	default:
		parts = append(parts, fmt.Sprintf("déclaration fermée (date limite : %s)", d.Deadline.French()))
	}
	return "Cycle du dossier : " + strings.Join(parts, " ; ") + "\n"
}

// OverviewTable prints one line per dossier with each objective's status.
func OverviewTable(w io.Writer, evs []*care.Evaluation, asOf civil.Date) error {
	fmt.Fprintf(w, "État des dossiers CaRE au %s (✔ atteint, ! atteint avec réserve, ✘ non atteint, … en cours, ? données manquantes, – non applicable)\n", asOf.French())
	for _, ev := range evs {
		if ev.Frozen != nil {
			fmt.Fprintf(w, "Fenêtre de déclaration close : verdicts figés à la date de déclaration de chaque dossier (sinon au %s) ; la situation actuelle ne compte pas.\n", ev.Dossier.Deadline.French())
			break
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(evs) > 0 {
		head := []string{"DOSSIER", "PORTEUR", "ÉLIGIBLE"}
		for _, o := range evs[0].Objectives {
			head = append(head, o.Objective)
		}
		if evs[0].Frozen != nil {
			head = append(head, "JUGÉ AU")
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
			cells = append(cells, fmt.Sprintf("%s %d/%d", summaryMark(ev, o), o.Met, o.Total))
		}
		if ev.Frozen != nil {
			at := ev.Frozen.At.French()
			if ev.Dossier.NotDeclared {
				at += " (non déclaré)"
			}
			cells = append(cells, at)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
