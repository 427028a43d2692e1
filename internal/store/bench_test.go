package store

import (
	"context"
	"fmt"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// nationalSet generates a national-scale data set: 130 GHT of 6 public EJ
// and 740 private EJ with 2 EG each (3,000 establishments), with two years
// of audits: a monthly exposure audit per EJ, an AD audit per directory
// every six months, a yearly exercise per establishment, oSIS and budget
// per EJ and year, and dossier steps and payments.
func nationalSet(tb testing.TB) []care.Facts {
	start := civil.MustParse("2024-01-15")
	serial := 0
	next := func(dep string) org.FINESS { serial++; return fin(tb, dep, serial) }
	deps := []string{"01", "13", "2A", "33", "59", "69", "75", "97"}
	var out []care.Facts
	addCommon := func(f *care.Facts, ejs []org.FINESS, dirs []care.Directory) {
		f.Directories = dirs
		for _, dir := range dirs {
			for i := range 4 {
				f.ADAudits = append(f.ADAudits, care.ADAudit{Directory: dir.ID, Date: start.AddMonths(6 * i),
					Level: 1 + i%4, Source: care.SourceADS, FailedChecks: []string{"vuln1_a", fmt.Sprintf("vuln2_%d", i)}})
			}
		}
		for _, ej := range ejs {
			for m := range 24 {
				f.ExposureAudits = append(f.ExposureAudits, care.ExposureAudit{Entities: []org.FINESS{ej},
					Date: start.AddMonths(m), CompletePerimeter: m%5 != 0, Source: care.SourceSILENE,
					Counts: &care.Counts{Critical: m % 3, High: m % 7, Medium: m, Low: 2 * m}})
			}
			for y := range 2 {
				f.OSIS = append(f.OSIS, care.OSIS{Entity: ej, Year: 2024 + y, BudgetShare: y == 1, PriorityMeasuresAnswered: 20 + 23*y})
				f.Budget = append(f.Budget, care.Budget{Entity: ej, Year: 2024 + y, DigitalSharePct: ptr(1.5 + float64(y)), SSIFTE: ptr(0.5)})
			}
		}
		for _, e := range f.Entities {
			for y := range 2 {
				f.Exercises = append(f.Exercises, care.Exercise{Entity: e.FINESS, Date: start.AddMonths(12*y + 2),
					Kit: "intermediaire", GeneralManagement: ptr(true), Clinical: ptr(y == 1)})
			}
		}
		f.Dossier = care.Dossier{CeilingEUR: 120000,
			Steps: []care.Step{{Step: "candidature", Date: civil.MustParse("2024-04-10"), By: "RSSI"},
				{Step: "validation_ars", Date: civil.MustParse("2024-05-20"), By: "ARS"},
				{Step: "declaration", Date: civil.MustParse("2025-06-20"), By: "RSSI"}},
			Payments: []care.Payment{{Date: civil.MustParse("2024-07-01"), AmountEUR: 40000, Objective: "D1.O1.A"},
				{Date: civil.MustParse("2025-11-01"), AmountEUR: 60000, Objective: "D1.O2.B"}}}
	}
	for g := range 130 {
		dep := deps[g%len(deps)]
		f := care.Facts{Wave: "D1"}
		var ejs []org.FINESS
		for range 6 {
			ej := next(dep)
			ejs = append(ejs, ej)
			f.Entities = append(f.Entities, org.Entity{FINESS: ej, Kind: org.EJ, Name: "CH " + string(ej),
				LegalStatus: "13", Category: org.Public, Region: "R" + dep})
		}
		code := fmt.Sprintf("GHT-%03d", g)
		f.GHT = &org.GHT{Code: code, Name: "GHT " + code, Support: ejs[0], Region: "R" + dep}
		f.Governance = &care.Governance{Referent: "référent", SingleADTeam: ptr(true), Governance: ptr(true)}
		var dirs []care.Directory
		for i := range 3 {
			dirs = append(dirs, care.Directory{ID: fmt.Sprintf("%s-ad%d", code, i), Name: "ad.local", Entities: ejs[2*i : 2*i+2]})
		}
		addCommon(&f, ejs, dirs)
		out = append(out, f)
	}
	for p := range 740 {
		dep := deps[p%len(deps)]
		ej := next(dep)
		f := care.Facts{Wave: "D1", Entities: []org.Entity{{FINESS: ej, Kind: org.EJ, Name: "Clinique " + string(ej),
			LegalStatus: "72", Category: org.ForProfit, Region: "R" + dep}}}
		for range 2 {
			eg := next(dep)
			f.Entities = append(f.Entities, org.Entity{FINESS: eg, Kind: org.EG, Name: "Site " + string(eg), Parent: ej,
				Category: org.ForProfit, Region: "R" + dep})
		}
		addCommon(&f, []org.FINESS{ej}, []care.Directory{{ID: "AD-" + string(ej), Name: "clinique.lan", Entities: []org.FINESS{ej}}})
		out = append(out, f)
	}
	return out
}

func importAll(b *testing.B, s *Store, set []care.Facts) int {
	rows := 0
	for _, f := range set {
		st, err := s.ImportFacts(context.Background(), f, "bench")
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Sum().Total()
	}
	return rows
}

// BenchmarkImport imports the whole national set into an empty database
// (one op = 870 dossiers, 3,000 establishments).
func BenchmarkImport(b *testing.B) {
	set := nationalSet(b)
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				b.StopTimer()
				s := open(b, e.config(b))
				b.StartTimer()
				rows = importAll(b, s, set)
			}
			b.ReportMetric(float64(rows), "rows/op")
		})
	}
}

// BenchmarkReimport re-imports one unchanged GHT dossier into the national
// database (the idempotent path: every row compared, none written).
func BenchmarkReimport(b *testing.B) {
	set := nationalSet(b)
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			s := open(b, e.config(b))
			importAll(b, s, set)
			i := 0
			for b.Loop() {
				if _, err := s.ImportFacts(context.Background(), set[i%130], "bench"); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLoadFacts loads one dossier (GHT and EJ in turn) from the
// national database.
func BenchmarkLoadFacts(b *testing.B) {
	set := nationalSet(b)
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			s := open(b, e.config(b))
			importAll(b, s, set)
			ids, err := s.Applicants(context.Background())
			if err != nil || len(ids) != len(set) {
				b.Fatalf("%d applicants, %v", len(ids), err)
			}
			i := 0
			for b.Loop() {
				if _, err := s.LoadFacts(context.Background(), ids[i%len(ids)].ID); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
