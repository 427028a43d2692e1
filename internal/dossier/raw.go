package dossier

import (
	"encoding/json"

	"vigie/internal/care"
)

// raw is the file as written: identifiers and dates still text, each
// element with its JSON path, so that validation can name the exact place
// of a bad value.
type raw struct {
	Format         string
	Wave           string
	GHT            *rawGHT
	Entities       []item[rawEntity]
	Prerequisites  []item[rawPrerequisite]
	Directories    []item[rawDirectory]
	ADAudits       []item[rawADAudit]
	ExposureAudits []item[rawExposure]
	Exercises      []item[rawExercise]
	OSIS           []item[rawOSIS]
	Budget         []item[rawBudget]
	Governance     []item[rawGovernance]
	Dossier        *rawDossier
	// brokenEntities and brokenDirectories: an element could not be read,
	// so references to it are not reported as unknown.
	brokenEntities, brokenDirectories bool
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
	// Provisional and ProvisionalPoints: the level's caveat (nil: not said).
	Provisional       *bool    `json:"level_provisional"`
	ProvisionalPoints []string `json:"level_provisional_points"`
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
	Date                     string                     `json:"date"`
	BudgetShare              bool                       `json:"budget_share"`
	PriorityMeasuresAnswered *int                       `json:"priority_measures_answered"`
	Measures                 map[string]json.RawMessage `json:"measures"` // decoded with the path
}

type rawBudget struct {
	Entity          string   `json:"entity"`
	Year            int      `json:"year"`
	Date            string   `json:"date"`
	DigitalSharePct *float64 `json:"digital_share_pct"`
	SSIFTE          *float64 `json:"ssi_fte"`
}

type rawGovernance struct {
	Date                   string `json:"date"`
	Referent               string `json:"referent"`
	SingleADTeam           *bool  `json:"single_ad_team"`
	Governance             *bool  `json:"governance"`
	ConvergenceValidatedOn string `json:"convergence_validated_on"`
	AlreadyConverged       bool   `json:"already_converged"`
	ConvergedDescription   string `json:"converged_description"`
}

type rawDossier struct {
	Steps      []json.RawMessage `json:"steps"` // rawStep, decoded with the path
	CeilingEUR float64           `json:"ceiling_eur"`
	Payments   []json.RawMessage `json:"payments"` // rawPayment
}

type rawStep struct {
	Step    string `json:"step"`
	Date    string `json:"date"`
	By      string `json:"by"`
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

type rawPayment struct {
	Date      string  `json:"date"`
	AmountEUR float64 `json:"amount_eur"`
	By        string  `json:"by"`
	Objective string  `json:"objective"`
}
