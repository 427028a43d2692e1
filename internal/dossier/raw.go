package dossier

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// raw is the file as written: identifiers and dates still text, so that
// validation can name the exact path of a bad value.
type raw struct {
	Format         string
	Wave           string
	GHT            *rawGHT
	Entities       []rawEntity
	Prerequisites  []rawPrerequisite
	Directories    []rawDirectory
	ADAudits       []rawADAudit
	ExposureAudits []rawExposure
	Exercises      []rawExercise
	OSIS           []rawOSIS
	Budget         []rawBudget
	Governance     *rawGovernance
	Dossier        *rawDossier
}

type rawGHT struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Support string `json:"support"`
	Region  string `json:"region"`
}

type rawEntity struct {
	FINESS      string `json:"finess"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Parent      string `json:"parent"`
	LegalStatus string `json:"legal_status"`
	Category    string `json:"category"`
	Region      string `json:"region"`
}

type rawPrerequisite struct {
	Entity string `json:"entity"`
	ID     string `json:"id"`
	Met    *bool  `json:"met"`
	Date   string `json:"date"`
}

type rawDirectory struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Entities []string `json:"entities"`
}

type rawADAudit struct {
	ID           string   `json:"id"`
	Directory    string   `json:"directory"`
	Date         string   `json:"date"`
	Level        *int     `json:"level"`
	Source       string   `json:"source"`
	FailedChecks []string `json:"failed_checks"`
	Report       string   `json:"report"`
}

type rawExposure struct {
	ID                string       `json:"id"`
	Entities          []string     `json:"entities"`
	Date              string       `json:"date"`
	CompletePerimeter *bool        `json:"complete_perimeter"`
	Counts            *care.Counts `json:"counts"`
	NoCritical        *bool        `json:"no_critical"`
	Source            string       `json:"source"`
	Report            string       `json:"report"`
}

type rawExercise struct {
	Entity            string            `json:"entity"`
	Date              string            `json:"date"`
	Kit               string            `json:"kit"`
	Scenario          string            `json:"scenario"`
	GeneralManagement *bool             `json:"general_management"`
	Clinical          *bool             `json:"clinical"`
	HotDebrief        string            `json:"hot_debrief"`
	Retex             string            `json:"retex"`
	Participants      []json.RawMessage `json:"participants"` // rawParticipant, decoded with the path
	Actions           []json.RawMessage `json:"actions"`      // rawAction
}

type rawOSIS struct {
	Entity                   string                     `json:"entity"`
	Year                     int                        `json:"year"`
	BudgetShare              bool                       `json:"budget_share"`
	PriorityMeasuresAnswered *int                       `json:"priority_measures_answered"`
	Measures                 map[string]json.RawMessage `json:"measures"` // decoded with the path
}

type rawBudget struct {
	Entity          string   `json:"entity"`
	Year            int      `json:"year"`
	DigitalSharePct *float64 `json:"digital_share_pct"`
	SSIFTE          *float64 `json:"ssi_fte"`
}

type rawGovernance struct {
	Referent               string `json:"referent"`
	SingleADTeam           *bool  `json:"single_ad_team"`
	Governance             *bool  `json:"governance"`
	ConvergenceValidatedOn string `json:"convergence_validated_on"`
	AlreadyConverged       bool   `json:"already_converged"`
	ConvergedDescription   string `json:"converged_description"`
}

type rawDossier struct {
	Steps []struct {
		Step    string `json:"step"`
		Date    string `json:"date"`
		By      string `json:"by"`
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	} `json:"steps"`
	CeilingEUR float64 `json:"ceiling_eur"`
	Payments   []struct {
		Date      string  `json:"date"`
		AmountEUR float64 `json:"amount_eur"`
		By        string  `json:"by"`
		Objective string  `json:"objective"`
	} `json:"payments"`
}

// validator accumulates the first error with its path.
type validator struct {
	err      error
	entities map[org.FINESS]org.Kind
}

func (v *validator) fail(path, format string, a ...any) {
	if v.err == nil {
		v.err = errAt(path, format, a...)
	}
}

func (v *validator) finess(path, s string) org.FINESS {
	if s == "" {
		v.fail(path, "numéro FINESS obligatoire")
		return ""
	}
	f, err := org.ParseFINESS(s)
	if err != nil {
		v.fail(path, "%s", frenchFINESSError(err))
	}
	return f
}

// known checks that a FINESS refers to an entity of the dossier.
func (v *validator) known(path, s string) org.FINESS {
	f := v.finess(path, s)
	if f != "" && v.err == nil {
		if _, ok := v.entities[f]; !ok {
			v.fail(path, "l'entité %s n'est pas déclarée dans « entities »", f)
		}
	}
	return f
}

func frenchFINESSError(err error) string {
	for _, e := range []error{org.ErrFINESSCheckKey, org.ErrFINESSLength, org.ErrFINESSChar} {
		if strings.Contains(err.Error(), e.Error()) {
			return err.Error()
		}
	}
	return err.Error()
}

func (v *validator) date(path, s string, required bool) civil.Date {
	if s == "" {
		if required {
			v.fail(path, "date obligatoire (AAAA-MM-JJ)")
		}
		return civil.Date{}
	}
	d, err := civil.Parse(s)
	if err != nil {
		v.fail(path, "%s", err.Error())
	}
	return d
}

func (v *validator) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		v.fail(path, "champ obligatoire")
	}
}

var (
	adSources       = []string{care.SourceADS, care.SourceVigie}
	exposureSources = []string{care.SourceSILENE, care.SourceCERTSante, care.SourceProvider, care.SourceVigie}
	kits            = []string{"debutant", "intermediaire", "confirme"}
)

func (d *raw) facts() (*care.Facts, error) {
	v := &validator{entities: map[org.FINESS]org.Kind{}}
	f := &care.Facts{Wave: d.Wave}
	if f.Wave == "" {
		v.fail("wave", "champ obligatoire (par exemple \"D1-2024\")")
	}
	d.entities(v, f)
	if d.GHT != nil {
		g := &org.GHT{Code: d.GHT.Code, Name: d.GHT.Name, Region: d.GHT.Region}
		v.required("ght.code", g.Code)
		g.Support = v.known("ght.support", d.GHT.Support)
		if v.err == nil && v.entities[g.Support] != org.EJ {
			v.fail("ght.support", "l'établissement support doit être une EJ")
		}
		f.GHT = g
	}
	d.records(v, f)
	d.audits(v, f)
	d.governance(v, f)
	d.lifecycle(v, f)
	if v.err != nil {
		return nil, v.err
	}
	return f, nil
}

func (d *raw) entities(v *validator, f *care.Facts) {
	for i, e := range d.Entities {
		p := fmt.Sprintf("entities[%d]", i)
		x := org.Entity{Name: e.Name, LegalStatus: e.LegalStatus, Region: e.Region}
		x.FINESS = v.finess(p+".finess", e.FINESS)
		if _, dup := v.entities[x.FINESS]; dup && x.FINESS != "" {
			v.fail(p+".finess", "entité %s déclarée deux fois", x.FINESS)
		}
		switch strings.ToUpper(e.Kind) {
		case "EJ":
			x.Kind = org.EJ
		case "EG":
			x.Kind = org.EG
		default:
			v.fail(p+".kind", "valeur %q invalide (attendu \"EJ\" ou \"EG\")", e.Kind)
		}
		cat, err := org.CategoryOf(e.LegalStatus)
		if err != nil {
			v.fail(p+".legal_status", "%s", err.Error())
		}
		x.Category = cat
		if cat == org.Unknown && e.Category != "" {
			c := org.Category(e.Category)
			if !slices.Contains([]org.Category{org.Public, org.NonProfit, org.ForProfit, org.OtherPriv}, c) {
				v.fail(p+".category", "catégorie %q inconnue", e.Category)
			}
			x.Category = c
		}
		v.entities[x.FINESS] = x.Kind
		f.Entities = append(f.Entities, x)
	}
	for i, e := range d.Entities {
		p := fmt.Sprintf("entities[%d].parent", i)
		x := &f.Entities[i]
		switch {
		case x.Kind == org.EG && e.Parent == "":
			v.fail(p, "une EG doit indiquer son EJ de rattachement")
		case x.Kind == org.EJ && e.Parent != "":
			v.fail(p, "une EJ n'a pas de parent")
		case x.Kind == org.EG:
			x.Parent = v.known(p, e.Parent)
			if v.err == nil && v.entities[x.Parent] != org.EJ {
				v.fail(p, "le parent %s n'est pas une EJ", x.Parent)
			}
		}
	}
}

func (d *raw) records(v *validator, f *care.Facts) {
	for i, r := range d.Prerequisites {
		p := fmt.Sprintf("prerequisites[%d]", i)
		x := care.Prerequisite{Entity: v.known(p+".entity", r.Entity), ID: care.NormalizeID(r.ID), Date: v.date(p+".date", r.Date, false)}
		v.required(p+".id", r.ID)
		if r.Met == nil {
			v.fail(p+".met", "champ obligatoire (true ou false)")
		} else {
			x.Met = *r.Met
		}
		f.Prerequisites = append(f.Prerequisites, x)
	}
	for i, r := range d.Exercises {
		p := fmt.Sprintf("exercises[%d]", i)
		x := care.Exercise{Entity: v.known(p+".entity", r.Entity), Date: v.date(p+".date", r.Date, true), Kit: r.Kit, Scenario: r.Scenario,
			GeneralManagement: r.GeneralManagement, Clinical: r.Clinical,
			HotDebrief: v.date(p+".hot_debrief", r.HotDebrief, false), Retex: v.date(p+".retex", r.Retex, false)}
		if r.Kit != "" && !slices.Contains(kits, r.Kit) {
			v.fail(p+".kit", "niveau de kit %q inconnu (attendu debutant, intermediaire ou confirme)", r.Kit)
		}
		x.Participants = v.participants(p, r.Participants)
		x.Actions = v.actions(p, r.Actions)
		f.Exercises = append(f.Exercises, x)
	}
	for i, r := range d.OSIS {
		p := fmt.Sprintf("osis[%d]", i)
		x := care.OSIS{Entity: v.known(p+".entity", r.Entity), Year: r.Year, BudgetShare: r.BudgetShare}
		checkYear(v, p+".year", r.Year)
		if n := r.PriorityMeasuresAnswered; n != nil {
			x.PriorityMeasuresAnswered = *n
			if *n < 0 || *n > 1000 {
				v.fail(p+".priority_measures_answered", "nombre invalide : %d", *n)
			}
		}
		v.measures(p, r, &x)
		f.OSIS = append(f.OSIS, x)
	}
	for i, r := range d.Budget {
		p := fmt.Sprintf("budget[%d]", i)
		x := care.Budget{Entity: v.known(p+".entity", r.Entity), Year: r.Year, DigitalSharePct: r.DigitalSharePct, SSIFTE: r.SSIFTE}
		checkYear(v, p+".year", r.Year)
		if r.DigitalSharePct != nil && (*r.DigitalSharePct < 0 || *r.DigitalSharePct > 100) {
			v.fail(p+".digital_share_pct", "pourcentage hors de 0–100 : %v", *r.DigitalSharePct)
		}
		if r.SSIFTE != nil && (*r.SSIFTE < 0 || *r.SSIFTE > 10000) {
			v.fail(p+".ssi_fte", "nombre d'ETP invalide : %v", *r.SSIFTE)
		}
		if v.err == nil && v.entities[x.Entity] != org.EJ {
			v.fail(p+".entity", "le budget se déclare par EJ")
		}
		f.Budget = append(f.Budget, x)
	}
}

func checkYear(v *validator, path string, y int) {
	if y < 2000 || y > 2100 {
		v.fail(path, "année invalide : %d", y)
	}
}

func (d *raw) audits(v *validator, f *care.Facts) {
	dirs := map[string]bool{}
	for i, r := range d.Directories {
		p := fmt.Sprintf("directories[%d]", i)
		v.required(p+".id", r.ID)
		if dirs[r.ID] {
			v.fail(p+".id", "annuaire %q déclaré deux fois", r.ID)
		}
		dirs[r.ID] = true
		x := care.Directory{ID: r.ID, Name: r.Name}
		if x.Name == "" {
			x.Name = r.ID
		}
		if len(r.Entities) == 0 {
			v.fail(p+".entities", "au moins une entité utilisatrice de l'annuaire")
		}
		for j, e := range r.Entities {
			x.Entities = append(x.Entities, v.known(fmt.Sprintf("%s.entities[%d]", p, j), e))
		}
		f.Directories = append(f.Directories, x)
	}
	for i, r := range d.ADAudits {
		p := fmt.Sprintf("ad_audits[%d]", i)
		x := care.ADAudit{ID: r.ID, Directory: r.Directory, Date: v.date(p+".date", r.Date, true), Source: r.Source, FailedChecks: r.FailedChecks, Report: r.Report}
		if !dirs[r.Directory] {
			v.fail(p+".directory", "annuaire %q non déclaré dans « directories »", r.Directory)
		}
		switch {
		case r.Level == nil:
			v.fail(p+".level", "niveau ANSSI obligatoire (1 à 5)")
		case *r.Level < 1 || *r.Level > 5:
			v.fail(p+".level", "niveau %d hors de l'échelle ANSSI 1 à 5", *r.Level)
		default:
			x.Level = *r.Level
		}
		if !slices.Contains(adSources, r.Source) {
			v.fail(p+".source", "source %q inconnue (attendu %s)", r.Source, strings.Join(adSources, ", "))
		}
		f.ADAudits = append(f.ADAudits, x)
	}
	for i, r := range d.ExposureAudits {
		p := fmt.Sprintf("exposure_audits[%d]", i)
		x := care.ExposureAudit{ID: r.ID, Date: v.date(p+".date", r.Date, true), Counts: r.Counts, NoCritical: r.NoCritical, Source: r.Source, Report: r.Report}
		if r.Counts != nil && r.NoCritical != nil {
			v.fail(p+".no_critical", "à omettre quand « counts » est donné")
		}
		if len(r.Entities) == 0 {
			v.fail(p+".entities", "au moins une entité auditée")
		}
		for j, e := range r.Entities {
			x.Entities = append(x.Entities, v.known(fmt.Sprintf("%s.entities[%d]", p, j), e))
		}
		if r.CompletePerimeter == nil {
			v.fail(p+".complete_perimeter", "champ obligatoire : l'audit couvre-t-il tout le périmètre (true/false) ?")
		} else {
			x.CompletePerimeter = *r.CompletePerimeter
		}
		if c := r.Counts; c != nil && (c.Critical < 0 || c.High < 0 || c.Medium < 0 || c.Low < 0 || c.Info < 0) {
			v.fail(p+".counts", "nombre de vulnérabilités négatif")
		}
		if !slices.Contains(exposureSources, r.Source) {
			v.fail(p+".source", "source %q inconnue (attendu %s)", r.Source, strings.Join(exposureSources, ", "))
		}
		f.ExposureAudits = append(f.ExposureAudits, x)
	}
}

func (d *raw) governance(v *validator, f *care.Facts) {
	g := d.Governance
	if g == nil {
		return
	}
	if f.GHT == nil {
		v.fail("governance", "la gouvernance AD (D1.O6) ne concerne que les dossiers portés par un GHT")
	}
	f.Governance = &care.Governance{Referent: g.Referent, SingleADTeam: g.SingleADTeam, Governance: g.Governance,
		ConvergenceValidatedOn: v.date("governance.convergence_validated_on", g.ConvergenceValidatedOn, false),
		AlreadyConverged:       g.AlreadyConverged, ConvergedDescription: g.ConvergedDescription}
}

var steps = []string{"candidature_submitted", "candidature_validated", "declared", "instructed", "controlled", "attestation", "paid"}

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
	for i, s := range d.Dossier.Steps {
		p := fmt.Sprintf("dossier.steps[%d]", i)
		idx := slices.Index(steps, s.Step)
		if idx < 0 {
			v.fail(p+".step", "étape %q inconnue (attendu %s)", s.Step, strings.Join(steps, ", "))
		}
		date := v.date(p+".date", s.Date, true)
		if idx <= last {
			v.fail(p+".step", "étape %q hors d'ordre ou en double", s.Step)
		}
		if date.Before(lastDate) {
			v.fail(p+".date", "date antérieure à l'étape précédente")
		}
		v.required(p+".by", s.By)
		if s.Step == "attestation" && s.Outcome != "met" && s.Outcome != "not_met" {
			v.fail(p+".outcome", "résultat de l'attestation obligatoire : \"met\" ou \"not_met\"")
		}
		if s.Step == "paid" && last >= 0 && steps[last] == "attestation" && f.Dossier.Steps[len(f.Dossier.Steps)-1].Outcome == "not_met" {
			v.fail(p+".step", "aucun paiement possible après une attestation « non atteint »")
		}
		last, lastDate = idx, date
		f.Dossier.Steps = append(f.Dossier.Steps, care.Step{Step: s.Step, Date: date, By: s.By, Outcome: s.Outcome, Note: s.Note})
	}
	for i, pm := range d.Dossier.Payments {
		p := fmt.Sprintf("dossier.payments[%d]", i)
		if pm.AmountEUR <= 0 {
			v.fail(p+".amount_eur", "montant invalide : %v", pm.AmountEUR)
		}
		obj := pm.Objective
		if obj != "" {
			obj = care.NormalizeID(obj)
		}
		f.Dossier.Payments = append(f.Dossier.Payments, care.Payment{Date: v.date(p+".date", pm.Date, true), AmountEUR: pm.AmountEUR, By: pm.By, Objective: obj})
	}
}
