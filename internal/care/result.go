package care

import (
	"vigie/internal/civil"
	"vigie/internal/org"
)

// Status is an objective's state for one entity at a date.
type Status string

// Statuses. See the catalogue's "Statuts" choice for their exact meaning.
const (
	Met           Status = "met"
	NotMet        Status = "not_met"
	InProgress    Status = "in_progress"
	NotApplicable Status = "not_applicable"
	MissingData   Status = "missing_data"
)

// French returns the label shown to users.
func (s Status) French() string {
	switch s {
	case Met:
		return "atteint"
	case NotMet:
		return "non atteint"
	case InProgress:
		return "en cours"
	case NotApplicable:
		return "non applicable"
	case MissingData:
		return "données manquantes"
	}
	return string(s)
}

// severity orders statuses from the best to the worst for summaries.
func (s Status) severity() int {
	switch s {
	case Met:
		return 0
	case NotApplicable:
		return -1
	case InProgress:
		return 1
	case MissingData:
		return 2
	}
	return 3
}

// Evidence is one record the evaluation used.
type Evidence struct {
	Kind   string     `json:"kind"` // ad_audit, exposure_audit, exercise, osis, budget, governance, prerequisite
	Ref    string     `json:"ref"`
	Date   civil.Date `json:"date,omitzero"`
	Detail string     `json:"detail,omitempty"`
}

// Next is the next action for an objective, with its due date.
type Next struct {
	Action string     `json:"action"`
	From   civil.Date `json:"from,omitzero"` // earliest date, for windows (45–60 days)
	Due    civil.Date `json:"due,omitzero"`
	// LateSince, when set, is the date the obligation lapsed: the action is
	// already late, and Due is the date to catch up by (never past).
	LateSince civil.Date `json:"late_since,omitzero"`
}

// Overdue reports whether the action is late at asOf: its obligation
// lapsed, or its due date is past.
func (n *Next) Overdue(asOf civil.Date) bool {
	return n != nil && (!n.LateSince.IsZero() || !n.Due.IsZero() && n.Due.Before(asOf))
}

// Result is one objective for one entity (an EJ or EG FINESS, a directory
// id, or the GHT code).
type Result struct {
	Objective string `json:"objective"`
	Entity    string `json:"entity"`
	// EntityName names the entity; a site (EG) is named with its EJ.
	EntityName string `json:"entity_name,omitempty"`
	// EJ is the legal entity of a site (EG) result.
	EJ       org.FINESS `json:"ej,omitempty"`
	Status   Status     `json:"status"`
	Reason   string     `json:"reason"`
	Evidence []Evidence `json:"evidence"`
	Next     *Next      `json:"next,omitempty"`
	// Warnings are facts that weaken a verdict without changing it (e.g. a
	// past cadence gap under the lenient reading): a result with warnings
	// is never shown as a plain success.
	Warnings []string `json:"warnings,omitempty"`
	// Done and Expected count, for a cadence objective, the audits made in
	// the operational phase and the audits the cadence requires up to the
	// judgement date.
	Done     *int `json:"audits_done,omitempty"`
	Expected *int `json:"audits_expected,omitempty"`
}

// ObjectiveSummary aggregates an objective over the entities it applies to.
type ObjectiveSummary struct {
	Objective string `json:"objective"`
	Title     string `json:"title"`
	Status    Status `json:"status"` // the worst entity status; met only when all are
	Met       int    `json:"met"`
	Total     int    `json:"total"`
}

// DossierStatus is where the application stands in its life.
type DossierStatus struct {
	Done            []Step     `json:"done"`
	Next            *StepDef   `json:"next,omitempty"`
	Final           bool       `json:"final"`
	FinalReason     string     `json:"final_reason,omitempty"`
	DeclarationOpen bool       `json:"declaration_open"`
	Deadline        civil.Date `json:"declaration_deadline"`
	PaymentEnds     []Revision `json:"payment_window_ends,omitempty"`
	CeilingEUR      float64    `json:"ceiling_eur,omitempty"`
	PaidEUR         float64    `json:"paid_eur"`
	// Closed is true once the declaration deadline has passed.
	Closed bool `json:"declaration_closed"`
	// Declared is the date the attainment was declared (zero if never).
	Declared civil.Date `json:"declared,omitzero"`
	// NotDeclared is true when the window closed without a declaration.
	NotDeclared bool `json:"not_declared,omitempty"`
	// NextAction is the dossier's next step in words, with its due date
	// from the calendar (never a date already past).
	NextAction *Next `json:"next_action,omitempty"`
	// Notice is a sentence about the dossier a reader must see first (e.g.
	// never declared when the window closed).
	Notice string `json:"notice,omitempty"`
}

// Frozen says that the verdicts are those of a closed wave: judged on the
// facts dated up to At (the declaration date, else the deadline).
type Frozen struct {
	At    civil.Date `json:"at"`
	Basis string     `json:"basis"` // "declaration" or "deadline"
	Note  string     `json:"note"`
}

// Posture is the current state (latest audits) at the evaluation date,
// shown apart from a closed wave's frozen verdict: it does not count for
// the wave.
type Posture struct {
	AsOf        civil.Date         `json:"as_of"`
	Note        string             `json:"note"`
	Directories []DirectoryPosture `json:"directories"`
	Exposure    []ExposurePosture  `json:"exposure"`
}

// DirectoryPosture is the latest AD audit of a directory (Date zero: none).
type DirectoryPosture struct {
	Directory string     `json:"directory"`
	Name      string     `json:"name"`
	Date      civil.Date `json:"date,omitzero"`
	Level     int        `json:"level,omitempty"`
	Source    string     `json:"source,omitempty"`
	// Provisional and ProvisionalPoints: the level's caveat, as in ADAudit.
	Provisional       bool     `json:"level_provisional,omitempty"`
	ProvisionalPoints []string `json:"level_provisional_points,omitempty"`
}

// LevelText is the latest level for people, with its caveat when
// provisional (see ADAudit.LevelText).
func (d DirectoryPosture) LevelText() string {
	return LevelText(d.Level, d.Provisional || len(d.ProvisionalPoints) > 0, len(d.ProvisionalPoints))
}

// ExposurePosture is the latest whole-perimeter exposure audit of an EJ
// (Date zero: none). Critical is nil when the source gave no number.
type ExposurePosture struct {
	Entity   org.FINESS `json:"entity"`
	Name     string     `json:"name"`
	Date     civil.Date `json:"date,omitzero"`
	Critical *int       `json:"critical,omitempty"`
	// NoCritical, when Critical is not given, says whether the audit found
	// no critical vulnerability (a view that hides a shared audit's
	// figures keeps only that).
	NoCritical *bool  `json:"no_critical,omitempty"`
	Source     string `json:"source,omitempty"`
}

// Evaluation is the programme's state for one applicant at a date.
type Evaluation struct {
	AsOf          civil.Date         `json:"as_of"`
	Wave          string             `json:"wave"`
	Eligible      bool               `json:"eligible"`
	Applicant     org.FINESS         `json:"applicant"`
	ApplicantName string             `json:"applicant_name,omitempty"`
	GHT           string             `json:"ght,omitempty"`
	Prerequisites []Result           `json:"prerequisites"`
	Results       []Result           `json:"results"`
	Objectives    []ObjectiveSummary `json:"objectives"`
	Dossier       DossierStatus      `json:"dossier"`
	// Frozen is set when the wave's declaration window has closed at AsOf:
	// the verdicts above are then judged at Frozen.At.
	Frozen *Frozen `json:"frozen,omitempty"`
	// Current is the posture at AsOf when the verdicts are frozen: for
	// steering only, it does not count for the wave.
	Current *Posture `json:"current_posture,omitempty"`
}

// Dues returns the next actions due on or before limit, in date order.
func (e *Evaluation) Dues(limit civil.Date) []Result {
	var out []Result
	for _, r := range e.Results {
		if r.Next != nil && !r.Next.Due.IsZero() && !r.Next.Due.After(limit) {
			out = append(out, r)
		}
	}
	sortByDue(out)
	return out
}
