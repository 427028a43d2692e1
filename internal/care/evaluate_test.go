package care

import (
	"errors"
	"testing"
)

func TestNormalizeID(t *testing.T) {
	for in, want := range map[string]string{
		"D1.O1.A": "D1.O1.A", "D1.01.A": "D1.O1.A", "d1.o1.a": "D1.O1.A", "d101a": "D1.O1.A",
		"D1.03": "D1.O3", "d103": "D1.O3", "D1.O6.B": "D1.O6.B", "d106b": "D1.O6.B", "PS2.1": "PS2.1",
	} {
		if got := NormalizeID(in); got != want {
			t.Errorf("NormalizeID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEligibility(t *testing.T) {
	f := ght()
	if ev := evaluate(t, f, "2025-01-01", Options{}); !ev.Eligible {
		t.Fatalf("should be eligible: %+v", ev.Prerequisites)
	}
	f.Prerequisites = f.Prerequisites[:3] // B lacks PS2.2
	ev := evaluate(t, f, "2025-01-01", Options{})
	if ev.Eligible {
		t.Fatal("eligible without PS2.2 for EJ B")
	}
	wantStatus(t, result(t, Evaluation{Results: ev.Prerequisites}.ptr(), "PS2.2", string(ejB)), MissingData)
	f.Prerequisites = append(f.Prerequisites, Prerequisite{Entity: ejB, ID: "PS2.2", Met: false})
	ev = evaluate(t, f, "2025-01-01", Options{})
	wantStatus(t, result(t, Evaluation{Results: ev.Prerequisites}.ptr(), "PS2.2", string(ejB)), NotMet)
}

func (e Evaluation) ptr() *Evaluation { return &e }

func TestApplicant(t *testing.T) {
	if ev := evaluate(t, ght(), "2025-01-01", Options{}); ev.Applicant != ejA || ev.GHT != "ARA-99" {
		t.Errorf("GHT applicant = %s %s", ev.Applicant, ev.GHT)
	}
	f := ght()
	f.GHT = nil
	c, _ := DefaultCatalogue()
	if _, err := c.Evaluate(f, d("2025-01-01"), Options{}); !errors.Is(err, ErrNoApplicant) {
		t.Errorf("two EJ outside a GHT: err = %v", err)
	}
	f = ght()
	f.GHT.Support = egA1
	if _, err := c.Evaluate(f, d("2025-01-01"), Options{}); !errors.Is(err, ErrNoApplicant) {
		t.Errorf("support is an EG: err = %v", err)
	}
	f = publicEJ()
	f.Wave = "D9-2099"
	if _, err := c.Evaluate(f, d("2025-01-01"), Options{}); err == nil {
		t.Error("unknown wave accepted")
	}
}

func TestDossierLife(t *testing.T) {
	f := publicEJ()
	f.Dossier = Dossier{CeilingEUR: 100000, Steps: []Step{
		{Step: "candidature_submitted", Date: d("2024-04-01"), By: "DSI"},
		{Step: "candidature_validated", Date: d("2024-05-10"), By: "ARS"},
	}}
	ev := evaluate(t, f, "2025-06-30", Options{})
	if ev.Dossier.Next == nil || ev.Dossier.Next.ID != "declared" || !ev.Dossier.DeclarationOpen || ev.Dossier.Final {
		t.Fatalf("dossier = %+v", ev.Dossier)
	}
	if ev := evaluate(t, f, "2025-07-01", Options{}); ev.Dossier.DeclarationOpen {
		t.Error("declaration still open after 2025-06-30")
	}
	if ev := evaluate(t, f, "2024-05-20", Options{}); ev.Dossier.DeclarationOpen {
		t.Error("declaration open before 2024-05-21")
	}
	f.Dossier.Steps = append(f.Dossier.Steps,
		Step{Step: "declared", Date: d("2025-06-01"), By: "DSI"},
		Step{Step: "instructed", Date: d("2025-08-01"), By: "ARS"},
		Step{Step: "controlled", Date: d("2025-11-01"), By: "ANS"},
		Step{Step: "attestation", Date: d("2025-12-01"), By: "ANS", Outcome: "not_met"})
	ev = evaluate(t, f, "2026-01-01", Options{})
	if !ev.Dossier.Final || ev.Dossier.Next != nil || ev.Dossier.FinalReason == "" {
		t.Fatalf("not_met attestation must be final: %+v", ev.Dossier)
	}
	f.Dossier.Steps[5].Outcome = "met"
	f.Dossier.Payments = []Payment{{Date: d("2026-02-01"), AmountEUR: 60000}}
	ev = evaluate(t, f, "2026-03-01", Options{})
	if ev.Dossier.Final || ev.Dossier.Next == nil || ev.Dossier.Next.ID != "paid" || ev.Dossier.PaidEUR != 60000 {
		t.Fatalf("met attestation: %+v", ev.Dossier)
	}
	if len(ev.Dossier.PaymentEnds) != 2 {
		t.Errorf("both published payment window ends must be kept: %+v", ev.Dossier.PaymentEnds)
	}
}

func TestEveryObjectiveHasAResultPerEntity(t *testing.T) {
	ev := evaluate(t, ght(), "2025-01-01", Options{})
	c, _ := DefaultCatalogue()
	w, _ := c.Wave("D1-2024")
	if len(ev.Objectives) != len(w.Objectives) || len(w.Objectives) != 9 {
		t.Fatalf("%d objectives evaluated, catalogue has %d", len(ev.Objectives), len(w.Objectives))
	}
	for _, r := range ev.Results {
		if r.Reason == "" || r.Status == "" || r.Evidence == nil {
			t.Errorf("incomplete result %+v", r)
		}
	}
	perEJ := 0
	for _, r := range ev.Results {
		if r.Objective == "D1.O5" {
			perEJ++
		}
	}
	if perEJ != 2 {
		t.Errorf("D1.O5 has %d results for 2 EJ", perEJ)
	}
}

func TestDues(t *testing.T) {
	f := withPhase(publicEJ(), "2024-11-01")
	f.ADAudits = []ADAudit{{Directory: "ad-a", Date: d("2024-11-15"), Level: 2, Source: "ADS"}}
	ev := evaluate(t, f, "2024-12-01", Options{})
	dues := ev.Dues(d("2025-01-31"))
	if len(dues) != 3 || dues[0].Next.Due.String() != "2024-12-31" || dues[0].Objective != "D1.O2.A" ||
		dues[1].Next.Due.String() != "2025-01-14" || dues[2].Next.Due.String() != "2025-01-14" {
		t.Fatalf("dues = %+v", dues)
	}
	for i := 1; i < len(dues); i++ {
		if dues[i].Next.Due.Before(dues[i-1].Next.Due) {
			t.Error("dues not sorted")
		}
	}
}
