package demo

import (
	"fmt"
	"math/rand/v2"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// National generates a fictional national-scale set of applicants: GHTs of
// public EJ (a third of the establishments) and private EJ outside a GHT,
// spread over the regions (the FINESS numbers carry a département of the
// region), with one AD per EJ, ADS audits about every 55 days and monthly
// exposure audits over two years ending at end, exercises (general management
// and business directions present nine times out of ten), dated oSIS and
// budget records, the ARS validation of the candidature in May 2024.
// The same seed gives the same set.
func National(seed uint64, establishments int, end civil.Date) []care.Facts {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &generator{r: r, end: end, start: end.AddDays(-730)}
	var out []care.Facts
	public := establishments / 3
	for made := 0; made < public; {
		n := min(3+r.IntN(8), public-made)
		out = append(out, g.ght(len(out), n))
		made += n
	}
	for made := public; made < establishments; made++ {
		out = append(out, g.private())
	}
	return out
}

type generator struct {
	r          *rand.Rand
	start, end civil.Date
	serial     int
	region     string // region of the applicant being generated
	dep        string // its département
}

// regions are the metropolitan regions with some of their départements.
var regions = []struct {
	name string
	deps []string
}{
	{"Auvergne-Rhône-Alpes", []string{"01", "38", "42", "63", "69", "73", "74"}},
	{"Bourgogne-Franche-Comté", []string{"21", "25", "39", "71", "89"}},
	{"Bretagne", []string{"22", "29", "35", "56"}},
	{"Centre-Val de Loire", []string{"18", "28", "36", "37", "41", "45"}},
	{"Grand Est", []string{"08", "10", "51", "54", "57", "67", "68"}},
	{"Hauts-de-France", []string{"02", "59", "60", "62", "80"}},
	{"Île-de-France", []string{"75", "77", "78", "91", "92", "93", "94", "95"}},
	{"Normandie", []string{"14", "27", "50", "61", "76"}},
	{"Nouvelle-Aquitaine", []string{"16", "17", "24", "33", "40", "64", "86", "87"}},
	{"Occitanie", []string{"09", "11", "30", "31", "34", "66", "81", "82"}},
	{"Pays de la Loire", []string{"44", "49", "53", "72", "85"}},
	{"Provence-Alpes-Côte d'Azur", []string{"04", "05", "06", "13", "83", "84"}},
}

// place picks the region and département of the next applicant.
func (g *generator) place() {
	r := regions[g.r.IntN(len(regions))]
	g.region, g.dep = r.name, r.deps[g.r.IntN(len(r.deps))]
}

// finess returns the next fictional number (the applicant's département,
// valid key).
func (g *generator) finess() org.FINESS {
	g.serial++
	body := fmt.Sprintf("%s%06d", g.dep, g.serial)
	k, _ := org.LuhnKey(body)
	return org.FINESS(body + string(k))
}

func (g *generator) ght(i, n int) care.Facts {
	g.place()
	f := care.Facts{Wave: "D1-2024"}
	var ejs []org.FINESS
	for j := 0; j < n; j++ {
		ej := g.finess()
		ejs = append(ejs, ej)
		f.Entities = append(f.Entities, org.Entity{FINESS: ej, Kind: org.EJ, Name: fmt.Sprintf("CH fictif %d", g.serial), LegalStatus: "13", Category: org.Public, Region: g.region})
		for k := 0; k < 1+g.r.IntN(3); k++ {
			f.Entities = append(f.Entities, org.Entity{FINESS: g.finess(), Kind: org.EG, Name: fmt.Sprintf("Site %d", g.serial), Parent: ej, Region: g.region})
		}
		g.records(&f, ej, ej)
	}
	f.GHT = &org.GHT{Code: fmt.Sprintf("GEN-%03d", i), Name: fmt.Sprintf("GHT fictif %d", i), Support: ejs[0], Region: g.region}
	f.ExposureAudits = g.exposure(ejs)
	yes := true
	f.Governance = &care.Governance{Referent: "Référent fictif", SingleADTeam: &yes, Governance: &yes, ConvergenceValidatedOn: g.day()}
	return f
}

func (g *generator) private() care.Facts {
	g.place()
	ej := g.finess()
	f := care.Facts{Wave: "D1-2024", Entities: []org.Entity{{FINESS: ej, Kind: org.EJ, Name: fmt.Sprintf("Clinique fictive %d", g.serial), LegalStatus: "72", Category: org.ForProfit, Region: g.region}}}
	eg := g.finess()
	f.Entities = append(f.Entities, org.Entity{FINESS: eg, Kind: org.EG, Name: "Site principal", Parent: ej, Region: g.region})
	g.records(&f, ej, eg)
	f.ExposureAudits = g.exposure([]org.FINESS{ej})
	return f
}

// records adds an EJ's prerequisites, directory, ADS audits, exercises,
// oSIS and budget; pmsi is the entity exercises and oSIS are recorded on.
func (g *generator) records(f *care.Facts, ej, pmsi org.FINESS) {
	f.Prerequisites = append(f.Prerequisites, care.Prerequisite{Entity: ej, ID: "PS2.1", Met: true}, care.Prerequisite{Entity: ej, ID: "PS2.2", Met: g.r.IntN(20) > 0})
	if len(f.Dossier.Steps) == 0 {
		f.Dossier.Steps = []care.Step{{Step: care.StepCandidatureValidated, Date: civil.Date{Year: 2024, Month: 5, Day: 2 + g.r.IntN(20)}, By: "ARS"}}
	}
	dir := "ad-" + string(ej)
	f.Directories = append(f.Directories, care.Directory{ID: dir, Name: string(ej) + ".local", Entities: []org.FINESS{ej}})
	for d := g.start.AddDays(g.r.IntN(30)); d.Before(g.end); d = d.AddDays(45 + g.r.IntN(20)) {
		f.ADAudits = append(f.ADAudits, care.ADAudit{Directory: dir, Date: d, Level: 1 + g.r.IntN(4), Source: care.SourceADS})
	}
	for y := g.start.Year; y <= g.end.Year; y++ {
		share, fte := 1+g.r.Float64()*3, g.r.Float64()*3
		entered := civil.Date{Year: y, Month: 3, Day: 1 + g.r.IntN(28)}
		f.Budget = append(f.Budget, care.Budget{Entity: ej, Year: y, Date: entered, DigitalSharePct: &share, SSIFTE: &fte})
		f.OSIS = append(f.OSIS, care.OSIS{Entity: pmsi, Year: y, Date: entered, BudgetShare: true, PriorityMeasuresAnswered: 30 + g.r.IntN(14)})
		dg, business := g.r.IntN(10) > 0, g.r.IntN(10) > 0
		f.Exercises = append(f.Exercises, care.Exercise{Entity: pmsi, Date: civil.Date{Year: y, Month: 10, Day: 1 + g.r.IntN(28)}, Kit: "intermediaire",
			GeneralManagement: &dg, Clinical: &business})
	}
}

func (g *generator) exposure(ejs []org.FINESS) []care.ExposureAudit {
	var out []care.ExposureAudit
	for d := g.start.AddDays(g.r.IntN(30)); d.Before(g.end); d = d.AddDays(28 + g.r.IntN(6)) {
		c := &care.Counts{Critical: max(0, g.r.IntN(6)-4), High: g.r.IntN(4), Medium: g.r.IntN(8), Low: g.r.IntN(10)}
		out = append(out, care.ExposureAudit{Entities: ejs, Date: d, CompletePerimeter: g.r.IntN(10) > 0, Counts: c, Source: care.SourceSILENE})
	}
	return out
}

func (g *generator) day() civil.Date { return g.start.AddDays(g.r.IntN(700)) }
