// Package care is the CaRE programme engine: the catalogue of waves,
// objectives, thresholds and calendar as embedded data, and the evaluation of
// an applicant's facts at a given date as pure functions (no I/O, no clock).
package care

import (
	"strconv"

	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
)

// Facts is everything known about one applicant (a GHT candidature or an EJ
// outside a GHT): the summaries the engines and the records produce. It is
// what the dossier file carries and what the store loads.
type Facts struct {
	Wave           string          `json:"wave"`
	GHT            *org.GHT        `json:"ght,omitempty"`
	Entities       []org.Entity    `json:"entities"`
	Prerequisites  []Prerequisite  `json:"prerequisites,omitempty"`
	Directories    []Directory     `json:"directories,omitempty"`
	ADAudits       []ADAudit       `json:"ad_audits,omitempty"`
	ExposureAudits []ExposureAudit `json:"exposure_audits,omitempty"`
	Exercises      []Exercise      `json:"exercises,omitempty"`
	OSIS           []OSIS          `json:"osis,omitempty"`
	Budget         []Budget        `json:"budget,omitempty"`
	Governance     *Governance     `json:"governance,omitempty"`
	// GovernanceHistory holds the other dated governance records of the
	// applicant when several were made (Governance is the latest): the
	// evaluation uses the latest one dated up to its judgement date.
	GovernanceHistory []Governance `json:"governance_history,omitempty"`
	Dossier           Dossier      `json:"dossier,omitzero"`
}

// Prerequisite records whether an entity meets a prerequisite (PS2.1, PS2.2).
// When several records concern the same entity and prerequisite, the latest
// by Date decides (an undated record is the oldest).
type Prerequisite struct {
	Entity org.FINESS `json:"entity"`
	ID     string     `json:"id"`
	Met    bool       `json:"met"`
	Date   civil.Date `json:"date,omitzero"`
}

// Directory is an Active Directory (forest or domain) used by some entities.
type Directory struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Entities []org.FINESS `json:"entities"`
}

// Audit sources. ADS, SILENE and CERT Santé are official services; a
// provider ("prestataire") is an "industriel CaRE D1"; Vigie audits are the
// establishment's own and count only where the catalogue accepts them.
const (
	SourceADS       = "ADS"
	SourceSILENE    = "SILENE"
	SourceCERTSante = "CERT Santé"
	SourceProvider  = "prestataire"
	SourceVigie     = "vigie"
)

// ADAudit is the summary of one AD audit: which directory, when, which level.
type ADAudit struct {
	ID           string     `json:"id,omitempty"`
	Directory    string     `json:"directory"`
	Date         civil.Date `json:"date"`
	Level        int        `json:"level"`
	Source       string     `json:"source"`
	FailedChecks []string   `json:"failed_checks,omitempty"`
	Report       string     `json:"report,omitempty"` // reference of the report (file, stored audit id)
	// Provisional is true when control points that could lower the level
	// were not evaluated: the real level can only be lower or equal.
	// ProvisionalPoints names them (empty when the source gave only the
	// flag); a list implies the flag.
	Provisional       bool     `json:"level_provisional,omitempty"`
	ProvisionalPoints []string `json:"level_provisional_points,omitempty"`
}

// IsProvisional reports whether the audit's level is provisional.
func (a ADAudit) IsProvisional() bool { return a.Provisional || len(a.ProvisionalPoints) > 0 }

// LevelText is the audit's level for people, with its caveat when
// provisional: « niveau 3 (provisoire : 4 points non évalués) ».
func (a ADAudit) LevelText() string {
	return LevelText(a.Level, a.IsProvisional(), len(a.ProvisionalPoints))
}

// LevelText writes an ANSSI level for people: « niveau 3 », or with its
// caveat « niveau 3 (provisoire : 4 points non évalués) » — « (provisoire) »
// alone when the number of points is not known (0).
func LevelText(level int, provisional bool, points int) string {
	s := "niveau " + strconv.Itoa(level)
	switch {
	case !provisional:
		return s
	case points <= 0:
		return s + " (provisoire)"
	}
	return s + " (provisoire : " + french.Plural(points, "point non évalué", "points non évalués") + ")"
}

// Counts are vulnerabilities by severity.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info,omitempty"`
}

// ExposureAudit is the summary of one exposure audit. Date is the end of the scan.
type ExposureAudit struct {
	ID                string       `json:"id,omitempty"`
	Entities          []org.FINESS `json:"entities"`
	Date              civil.Date   `json:"date"`
	CompletePerimeter bool         `json:"complete_perimeter"`
	// Counts is nil when the source gave no per-severity counts (e.g. an
	// OPSSIES file carries a compliance level, not counts).
	Counts *Counts `json:"counts,omitempty"`
	// NoCritical, when counts are unknown, is what the source states about
	// critical vulnerabilities (e.g. an OPSSIES compliance level); nil when
	// it states nothing.
	NoCritical *bool  `json:"no_critical,omitempty"`
	Source     string `json:"source"`
	Report     string `json:"report,omitempty"`
}

// Exercise is a cyber crisis exercise.
type Exercise struct {
	Entity   org.FINESS `json:"entity"`
	Date     civil.Date `json:"date"`
	Kit      string     `json:"kit,omitempty"` // debutant, intermediaire, confirme
	Scenario string     `json:"scenario,omitempty"`
	// GeneralManagement and Clinical say whether those directions took part;
	// nil when not recorded. A purely technical drill does not count.
	GeneralManagement *bool      `json:"general_management,omitempty"`
	Clinical          *bool      `json:"clinical,omitempty"`
	HotDebrief        civil.Date `json:"hot_debrief,omitzero"`
	Retex             civil.Date `json:"retex,omitzero"`
	// Participants lists the crisis cell members; Actions is the action
	// plan drawn from the debrief. Both are optional and keep their order.
	Participants []Participant `json:"participants,omitempty"`
	Actions      []Action      `json:"actions,omitempty"`
}

// Participant is one member of an exercise's crisis cell.
type Participant struct {
	Role      string `json:"role"`
	Direction string `json:"direction,omitempty"` // e.g. "direction générale", "DSI"
}

// Action statuses of an exercise action plan.
const (
	ActionTodo       = "a_faire"
	ActionInProgress = "en_cours"
	ActionDone       = "fait"
)

// ActionStatuses lists the valid action statuses, in display order.
var ActionStatuses = []string{ActionTodo, ActionInProgress, ActionDone}

// Action is one item of an exercise action plan.
type Action struct {
	Title  string     `json:"title"`
	Owner  string     `json:"owner,omitempty"`
	Due    civil.Date `json:"due,omitzero"`
	Status string     `json:"status"` // a_faire, en_cours, fait
}

// Overdue reports whether the action is still open after its due date.
func (a Action) Overdue(asOf civil.Date) bool {
	return a.Status != ActionDone && !a.Due.IsZero() && a.Due.Before(asOf)
}

// OSIS is an entity's oSIS self-assessment for a campaign year. When several
// records concern the same entity and year, the latest by Date decides.
type OSIS struct {
	Entity org.FINESS `json:"entity"`
	Year   int        `json:"year"`
	// Date is when the record was made (entered in oSIS); zero when unknown.
	Date                     civil.Date `json:"date,omitzero"`
	BudgetShare              bool       `json:"budget_share"`
	PriorityMeasuresAnswered int        `json:"priority_measures_answered"`
	// Measures is the priority-measure checklist, measure ID from the
	// catalogue → MeasureYes, MeasurePartial, MeasureNo or MeasureNA;
	// optional. When present, the count answered is derived from it.
	Measures map[string]string `json:"measures,omitempty"`
}

// Answers of the oSIS priority-measure checklist.
const (
	MeasureYes     = "oui"
	MeasurePartial = "partiel"
	MeasureNo      = "non"
	MeasureNA      = "na"
)

// MeasureAnswers lists the valid checklist answers, in display order.
var MeasureAnswers = []string{MeasureYes, MeasurePartial, MeasureNo, MeasureNA}

// Answered is the number of priority measures answered: the checklist's
// size when there is one, else the declared count.
func (o OSIS) Answered() int {
	if o.Measures != nil {
		return len(o.Measures)
	}
	return o.PriorityMeasuresAnswered
}

// Budget is the digital budget share and SSI staff of an EJ for a year.
// When several records concern the same entity and year, the latest by Date
// decides.
type Budget struct {
	Entity org.FINESS `json:"entity"`
	Year   int        `json:"year"`
	// Date is when the record was made (declared); zero when unknown.
	Date            civil.Date `json:"date,omitzero"`
	DigitalSharePct *float64   `json:"digital_share_pct"`
	SSIFTE          *float64   `json:"ssi_fte"`
}

// Governance is the GHT's AD governance and convergence record (D1.O6).
type Governance struct {
	// Date is when the record was made; zero when unknown.
	Date         civil.Date `json:"date,omitzero"`
	Referent     string     `json:"referent"`
	SingleADTeam *bool      `json:"single_ad_team"`
	Governance   *bool      `json:"governance"`
	// ConvergenceValidatedOn is the date the GHT strategic committee validated
	// the AD convergence document.
	ConvergenceValidatedOn civil.Date `json:"convergence_validated_on,omitzero"`
	AlreadyConverged       bool       `json:"already_converged"`
	// ConvergedDescription describes the converged AD (the evidence when
	// AlreadyConverged is true).
	ConvergedDescription string `json:"converged_description,omitempty"`
}

// Dossier is the life of the application: dated steps and money.
type Dossier struct {
	Steps      []Step    `json:"steps,omitempty"`
	CeilingEUR float64   `json:"ceiling_eur,omitempty"`
	Payments   []Payment `json:"payments,omitempty"`
}

// Step is one dated step of the dossier's life.
type Step struct {
	Step    string     `json:"step"` // see StepIDs
	Date    civil.Date `json:"date"`
	By      string     `json:"by"`
	Outcome string     `json:"outcome,omitempty"` // for the attestation: "met" or "not_met"
	Note    string     `json:"note,omitempty"`
}

// Payment is an amount paid to the applicant.
type Payment struct {
	Date      civil.Date `json:"date"`
	AmountEUR float64    `json:"amount_eur"`
	By        string     `json:"by,omitempty"`
	Objective string     `json:"objective,omitempty"`
}
