// Package ad is the Active Directory audit engine: it reads a snapshot into
// the directory model, runs the 76 ANSSI control points, applies accepted
// risks and computes the ANSSI level, with explicit coverage.
package ad

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"vigie/internal/ad/snapshot"
	"vigie/internal/french"
)

// ReportFormat identifies the JSON report layout.
const ReportFormat = "vigie-ad-report/1"

// Report is the result of one analysis. Level is the official level (as
// ANSSI would compute it, accepted risks ignored); LevelWithAcceptedRisks
// is the level once the user's accepted risks are set aside.
type Report struct {
	Format      string    `json:"format"`
	Forest      string    `json:"forest"`
	CollectedAt time.Time `json:"collected_at"`
	Source      string    `json:"source,omitempty"`
	Server      string    `json:"server,omitempty"`
	Level       int       `json:"level"`
	// LevelProvisional is true when control points that could lower the
	// level (a grade below it) were not evaluated; LevelProvisionalPoints
	// lists them. LevelLabel is the level as people read it:
	// « niveau 3 (provisoire : 4 points non évalués) ».
	LevelProvisional       bool           `json:"level_provisional"`
	LevelProvisionalPoints []string       `json:"level_provisional_points"`
	LevelLabel             string         `json:"level_label"`
	LevelWithAcceptedRisks int            `json:"level_with_accepted_risks"`
	Coverage               Coverage       `json:"coverage"`
	Findings               []Finding      `json:"findings"`
	Passed                 []string       `json:"passed"`
	Stats                  Stats          `json:"stats"`
	ControlPaths           []ControlPath  `json:"control_paths,omitempty"`
	Gaps                   []snapshot.Gap `json:"gaps,omitempty"`
	Exceptions             []ExceptionUse `json:"exceptions,omitempty"`
	// ExtraTier0 are delegated principals accepted as Tier 0 by ANSSI's
	// "protégé à la AdminSDHolder" rule (information).
	ExtraTier0 []string `json:"extra_tier0,omitempty"`
	// Limits lists known limitations of evaluated control points.
	Limits []Limit `json:"limits,omitempty"`
	// Warnings and Informations are ANSSI's warning_* and info_* points
	// that were raised. They are kept apart from Findings and never change
	// the level (nor LevelProvisional); AdvisoryCoverage says which were
	// not raised and which could not be evaluated.
	Warnings         []Advisory       `json:"warnings"`
	Informations     []Advisory       `json:"informations"`
	AdvisoryCoverage AdvisoryCoverage `json:"advisory_coverage"`
}

// Advisory is one raised ANSSI warning or information, with the objects
// concerned. Grades are ANSSI's indicative grades (empty for an
// information); Grade is the indicative grade of this instance when the
// point distinguishes several, 0 otherwise.
type Advisory struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"` // "warning" or "info"
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Grades      []int    `json:"indicative_grades,omitempty"`
	Grade       int      `json:"grade,omitempty"`
	Detail      string   `json:"detail,omitempty"`
	Objects     []Object `json:"objects"`
	Remediation string   `json:"remediation"`
	Limits      string   `json:"limits,omitempty"`
}

// AdvisoryCoverage says how many warnings and informations were
// evaluated, which were not raised, and why the others were not evaluated.
type AdvisoryCoverage struct {
	Total        int            `json:"total"`
	Evaluated    int            `json:"evaluated"`
	NotRaised    []string       `json:"not_raised"`
	NotEvaluated []NotEvaluated `json:"not_evaluated"`
}

// Limit is a known limitation of one evaluated control point.
type Limit struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

// Coverage says how many control points were evaluated and why the others
// were not. A point not evaluated is never counted as passed.
type Coverage struct {
	Total        int            `json:"total"`
	Evaluated    int            `json:"evaluated"`
	NotEvaluated []NotEvaluated `json:"not_evaluated"`
}

// NotEvaluated is one control point that could not be evaluated.
type NotEvaluated struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	Why   string `json:"why"`
}

// Finding is one failed grade of a control point.
type Finding struct {
	ID          string   `json:"id"`
	Grade       int      `json:"grade"`
	Title       string   `json:"title"`
	Detail      string   `json:"detail,omitempty"`
	Objects     []Object `json:"objects"`
	Remediation string   `json:"remediation"`
	// Accepted is true when every object of the finding is covered by a
	// valid accepted risk.
	Accepted bool `json:"accepted,omitempty"`
}

// Object is one offending object of a finding.
type Object struct {
	DN       string      `json:"dn"`
	Sam      string      `json:"sam,omitempty"`
	Detail   string      `json:"detail,omitempty"`
	Accepted *Acceptance `json:"accepted,omitempty"`
}

// Acceptance records the accepted risk that covers an object.
type Acceptance struct {
	Justification string `json:"justification"`
	Expires       string `json:"expires"`
}

// Stats describes the analysed snapshot.
type Stats struct {
	Objects        int `json:"objects"`
	Domains        int `json:"domains"`
	Descriptors    int `json:"security_descriptors"`
	Gaps           int `json:"gaps"`
	PrivilegedAccs int `json:"privileged_accounts"`
}

// ControlPath is one non-Tier-0 principal able to take over Tier 0
// (information: it does not change the level by itself).
type ControlPath struct {
	Principal string   `json:"principal"`
	Steps     []string `json:"steps"`
}

// Summary is what the CaRE programme engine needs from an AD audit.
type Summary struct {
	Forest                 string    `json:"forest"`
	CollectedAt            time.Time `json:"collected_at"`
	Source                 string    `json:"source,omitempty"`
	Level                  int       `json:"level"`
	LevelProvisional       bool      `json:"level_provisional"`
	LevelProvisionalPoints []string  `json:"level_provisional_points"`
	LevelWithAcceptedRisks int       `json:"level_with_accepted_risks"`
	FailedIDs              []string  `json:"failed_ids"`
	NotEvaluated           int       `json:"not_evaluated"`
}

// Summary returns the report's summary.
func (r *Report) Summary() Summary {
	s := Summary{Forest: r.Forest, CollectedAt: r.CollectedAt, Source: r.Source, Level: r.Level, LevelProvisional: r.LevelProvisional,
		LevelProvisionalPoints: append([]string{}, r.LevelProvisionalPoints...),
		LevelWithAcceptedRisks: r.LevelWithAcceptedRisks, NotEvaluated: len(r.Coverage.NotEvaluated), FailedIDs: []string{}}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !seen[f.ID] {
			seen[f.ID] = true
			s.FailedIDs = append(s.FailedIDs, f.ID)
		}
	}
	sort.Strings(s.FailedIDs)
	return s
}

// LevelText is the level for people, with its caveat when provisional:
// « niveau 3 (provisoire : 4 points non évalués) ».
func LevelText(level int, provisional []string) string {
	if len(provisional) == 0 {
		return fmt.Sprintf("niveau %d", level)
	}
	return fmt.Sprintf("niveau %d (provisoire : %s)", level, pointsNotEvaluated(len(provisional)))
}

func pointsNotEvaluated(n int) string {
	return french.Plural(n, "point non évalué", "points non évalués")
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ReadReport reads a report written by WriteJSON.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("rapport AD illisible : %w", err)
	}
	if r.Format != ReportFormat {
		return nil, fmt.Errorf("rapport AD : format %q non pris en charge (attendu %s)", r.Format, ReportFormat)
	}
	if r.Level < 1 || r.Level > 5 {
		return nil, fmt.Errorf("rapport AD : niveau %d invalide", r.Level)
	}
	return &r, nil
}
