package store

import (
	"encoding/json"
	"fmt"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// fin makes a valid fictional FINESS number from a département and a serial.
func fin(t testing.TB, dep string, serial int) org.FINESS {
	t.Helper()
	body := fmt.Sprintf("%s%06d", dep, serial)
	k, err := org.LuhnKey(body)
	if err != nil {
		t.Fatalf("FINESS %s : %v", body, err)
	}
	return org.FINESS(body + string(k))
}

func ptr[T any](v T) *T { return &v }

func d(s string) civil.Date { return civil.MustParse(s) }

// clone deep-copies facts through JSON (the dossier file format).
func clone(t testing.TB, f care.Facts) care.Facts {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var out care.Facts
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// ghtFacts is a GHT dossier touching every kind of row.
func ghtFacts(t testing.TB) care.Facts {
	ej1, ej2 := fin(t, "69", 1001), fin(t, "2A", 1002)
	eg1, eg2, eg3 := fin(t, "69", 2001), fin(t, "69", 2002), fin(t, "2A", 2003)
	return care.Facts{
		Wave: "D1",
		GHT:  &org.GHT{Code: "ARA-99", Name: "GHT des Monts d'Essai", Support: ej1, Region: "Auvergne-Rhône-Alpes"},
		Entities: []org.Entity{
			{FINESS: ej2, Kind: org.EJ, Name: "CH de Corse-Test", LegalStatus: "13", Category: org.Public, Region: "Corse"},
			{FINESS: ej1, Kind: org.EJ, Name: "CH Support", LegalStatus: "14", Category: org.Public, Region: "Auvergne-Rhône-Alpes"},
			{FINESS: eg1, Kind: org.EG, Name: "Site Nord", Parent: ej1, Category: org.Public, Region: "Auvergne-Rhône-Alpes"},
			{FINESS: eg2, Kind: org.EG, Name: "Site Sud « Hôpital »", Parent: ej1},
			{FINESS: eg3, Kind: org.EG, Name: "Site d'Ajaccio", Parent: ej2, Region: "Corse"},
		},
		Prerequisites: []care.Prerequisite{
			{Entity: ej1, ID: "PS2.2", Met: false},
			{Entity: ej1, ID: "PS2.1", Met: true, Date: d("2024-04-02")},
			{Entity: ej2, ID: "PS2.1", Met: true, Date: d("2024-04-03")},
		},
		Directories: []care.Directory{
			{ID: "ARA-99-ad2", Name: "corse.local", Entities: []org.FINESS{ej2}},
			{ID: "ARA-99-ad1", Name: "ght.local", Entities: []org.FINESS{ej2, ej1}},
		},
		ADAudits: []care.ADAudit{
			{Directory: "ARA-99-ad1", Date: d("2024-09-01"), Level: 3, Source: care.SourceADS, ID: "ads-2024-123"},
			{Directory: "ARA-99-ad1", Date: d("2024-05-01"), Level: 2, Source: care.SourceADS,
				FailedChecks: []string{"vuln2_privileged_members", "vuln1_spn_priv"}, Report: "ads-mai.pdf"},
			{Directory: "ARA-99-ad2", Date: d("2024-05-01"), Level: 1, Source: care.SourceVigie,
				Provisional: true, ProvisionalPoints: []string{"vuln_permissions_dpapi", "vuln_rodc_priv_revealed"}},
		},
		ExposureAudits: []care.ExposureAudit{
			{Entities: []org.FINESS{ej2, ej1}, Date: d("2024-06-01"), CompletePerimeter: true,
				Counts: &care.Counts{Critical: 0, High: 1, Medium: 2, Low: 3, Info: 4}, Source: care.SourceSILENE},
			{ID: "opssies-1", Entities: []org.FINESS{ej1}, Date: d("2024-07-20"), NoCritical: ptr(true), Source: care.SourceProvider, Report: "PRESTA-D1-20240720-101010.json"},
			{Entities: []org.FINESS{ej1}, Date: d("2024-06-01"), Counts: &care.Counts{}, Source: care.SourceCERTSante},
		},
		Exercises: []care.Exercise{
			{Entity: ej2, Date: d("2024-04-01")},
			{Entity: ej1, Date: d("2024-03-01"), Kit: "confirme", Scenario: "Rançongiciel sur le DPI",
				GeneralManagement: ptr(true), Clinical: ptr(false), HotDebrief: d("2024-03-01"), Retex: d("2024-04-15"),
				Participants: []care.Participant{{Role: "directeur de crise", Direction: "direction générale"},
					{Role: "cadre de santé", Direction: "direction des soins"}, {Role: "observateur"}},
				Actions: []care.Action{{Title: "Procédures dégradées", Owner: "DSI", Due: d("2024-06-30"), Status: care.ActionInProgress},
					{Title: "Annuaire de crise", Status: care.ActionTodo}}},
		},
		OSIS: []care.OSIS{
			{Entity: ej1, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 43},
			{Entity: ej1, Year: 2023, PriorityMeasuresAnswered: 3,
				Measures: map[string]string{"MP01": care.MeasureYes, "MP02": care.MeasurePartial, "MP43": care.MeasureNA}},
		},
		Budget: []care.Budget{
			{Entity: ej1, Year: 2024, DigitalSharePct: ptr(2.5)},
			{Entity: ej2, Year: 2024, DigitalSharePct: ptr(1.75), SSIFTE: ptr(0.5)},
		},
		Governance: &care.Governance{Referent: "Mme Durand", SingleADTeam: ptr(true),
			ConvergenceValidatedOn: d("2024-10-10"), ConvergedDescription: "forêt unique en cours"},
		Dossier: care.Dossier{
			CeilingEUR: 150000.5,
			Steps: []care.Step{
				{Step: "validation_ars", Date: d("2024-05-20"), By: "ARS ARA"},
				{Step: "candidature", Date: d("2024-04-10"), By: "RSSI", Note: "déposée sur eCaRE"},
			},
			Payments: []care.Payment{
				{Date: d("2024-07-01"), AmountEUR: 20000, Objective: "D1.O2.A"},
				{Date: d("2024-07-01"), AmountEUR: 10000.25, Objective: "D1.O1.A", By: "ARS"},
			},
		},
	}
}

// ejFacts is a private EJ applying outside any GHT, with two sites.
func ejFacts(t testing.TB) care.Facts {
	ej, eg1, eg2 := fin(t, "75", 3001), fin(t, "75", 4001), fin(t, "92", 4002)
	return care.Facts{
		Wave: "D1",
		Entities: []org.Entity{
			{FINESS: ej, Kind: org.EJ, Name: "Clinique Test SAS", LegalStatus: "72", Category: org.ForProfit, Region: "Île-de-France"},
			{FINESS: eg1, Kind: org.EG, Name: "Clinique Paris", Parent: ej, Category: org.ForProfit, Region: "Île-de-France"},
			{FINESS: eg2, Kind: org.EG, Name: "Clinique Boulogne", Parent: ej, Category: org.ForProfit, Region: "Île-de-France"},
		},
		Directories: []care.Directory{{ID: "CLIN-ad", Name: "clinique.lan", Entities: []org.FINESS{ej}}},
		ADAudits: []care.ADAudit{{Directory: "CLIN-ad", Date: d("2025-01-15"), Level: 2, Source: care.SourceADS,
			FailedChecks: []string{"vuln2_x"}}},
		Exercises: []care.Exercise{{Entity: eg1, Date: d("2025-02-01"), Kit: "debutant"}},
	}
}
