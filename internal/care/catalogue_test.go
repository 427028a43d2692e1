package care

import (
	"strings"
	"testing"
)

func TestDefaultCatalogue(t *testing.T) {
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Wave("D1-2024")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"D1.O1.A", "D1.01.B", "D1.O2.A", "D1.02.B", "D1.O3", "D1.O4", "D1.O5", "D1.O6.A", "D1.O6.B"} {
		o, ok := w.Objective(id)
		if !ok || o.Title == "" || o.Target == "" || o.AppliesTo == "" {
			t.Errorf("objective %s incomplete: %+v", id, o)
		}
	}
	if w.Deadline().String() != "2025-06-30" {
		t.Errorf("deadline %s", w.Deadline())
	}
	decl, _ := w.Window("declaration")
	if len(decl.Revisions) != 2 || decl.Revisions[0].End.String() != "2025-03-28" {
		t.Errorf("declaration revisions %+v", decl.Revisions)
	}
	pay, _ := w.Window("payment")
	if pay.Start.String() != "2024-06-10" || len(pay.Revisions) != 2 {
		t.Errorf("payment window %+v", pay)
	}
	if n := len(w.PriorityMeasures.Items); n != 43 || !w.PriorityMeasures.Items[0].Placeholder {
		t.Errorf("priority measures: %d, placeholders must be marked", n)
	}
	if cand, _ := w.Window("candidature"); cand.Start.String() != "2024-03-18" || cand.End.String() != "2024-04-19" {
		t.Errorf("candidature window %+v", cand)
	}
	if len(w.Prerequisites) != 2 {
		t.Errorf("prerequisites %+v", w.Prerequisites)
	}
}

// A later wave is added as data, reusing the known rules.
func TestLaterWaveAsData(t *testing.T) {
	const file = `{"format": "vigie-catalogue/1", "waves": [{
	  "id": "D1BIS-2026", "domain": "D1", "title": "CaRE D1 bis",
	  "phase": {"start": "2026-02-13", "end": "2026-12-31"},
	  "calendar": [{"id": "declaration", "start": "2026-02-13", "end": "2026-12-31"}],
	  "prerequisites": [{"id": "PS2.1", "title": "PSSI", "applies_to": "ej"}],
	  "objectives": [{"id": "D1.O1.B", "title": "Niveau ADS ≥ 3", "target": "…", "rule": "ad-level", "applies_to": "directory", "params": {"min_level": 3, "sources": ["ADS"]}}],
	  "steps": [], "funding": {"envelope_eur": 0}, "priority_measures": {"items": []}, "choices": []}]}`
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	extra, err := ParseCatalogue(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	c.Merge(extra)
	f := publicEJ()
	f.Wave = "D1BIS-2026"
	f.ADAudits = adAudits("ad-a", []string{"2026-03-01", "2026-04-20"}, []int{2, 2}, "ADS")
	ev, err := c.Evaluate(f, d("2026-05-01"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Results) != 1 || ev.Results[0].Status != NotMet {
		t.Fatalf("level 2 must fail a level-3 threshold: %+v", ev.Results)
	}
}

func TestParseCatalogueRejects(t *testing.T) {
	for name, file := range map[string]string{
		"unknown rule": `{"format": "vigie-catalogue/1", "waves": [{"id": "X", "objectives": [{"id": "A", "rule": "nope"}]}]}`,
		"bad format":   `{"format": "autre/2", "waves": []}`,
		"bad date":     `{"format": "vigie-catalogue/1", "waves": [{"id": "X", "phase": {"start": "2026-13-01"}}]}`,
		"unknown key":  `{"format": "vigie-catalogue/1", "waves": [], "surprise": 1}`,
	} {
		if _, err := ParseCatalogue(strings.NewReader(file)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The rules' lengths and choices are catalogue data, documented in French.
func TestCatalogueDocumentsTheRules(t *testing.T) {
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Wave("D1-2024")
	if w.Phase.StartStep != StepCandidatureValidated || w.Phase.Start.String() != "2024-05-21" || w.Deadline().String() != "2025-06-30" {
		t.Errorf("phase %+v deadline %s", w.Phase, w.Deadline())
	}
	for _, id := range []string{"D1.O1.A", "D1.O2.A"} {
		o, _ := w.Objective(id)
		if o.Params.Reading != ReadingPhase || o.Params.MaxIntervalDays != 60 {
			t.Errorf("%s params %+v: the literal whole-phase reading must be the default", id, o.Params)
		}
	}
	o, _ := w.Objective("D1.O3")
	if len(o.Params.GeneralManagementTerms) == 0 || len(o.Params.BusinessTerms) == 0 {
		t.Error("D1.O3: participant terms missing")
	}
	var topics string
	for _, ch := range w.Choices {
		topics += ch.Topic + " | "
	}
	for _, want := range []string{"Vague close", "Prochaines actions", "phase opérationnelle", "Début de la phase", "Lecture souple",
		"participants", "site", "Catégorie", "Saisies répétées", "Statuts"} {
		if !strings.Contains(topics, want) {
			t.Errorf("no choice about %q in %s", want, topics)
		}
	}
	for _, s := range w.Steps {
		if s.ID != "candidature_submitted" && s.ID != StepCandidatureValidated && s.Window == "" {
			t.Errorf("step %s has no calendar window", s.ID)
		}
	}
}
