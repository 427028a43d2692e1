package care

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"vigie/internal/civil"
)

//go:embed catalogue/*.json
var catalogueFS embed.FS

// CatalogueFormat identifies catalogue files.
const CatalogueFormat = "vigie-catalogue/1"

// Catalogue holds the programme waves: objectives, thresholds, calendar,
// dossier steps, funding. It is data: a later wave (D1 bis, Domain 2) is
// added as a file, not as code, as long as it reuses the known rules.
type Catalogue struct {
	Format string `json:"format"`
	Waves  []Wave `json:"waves"`
}

// Wave is one funding call of one domain.
type Wave struct {
	ID               string            `json:"id"`
	Domain           string            `json:"domain"`
	Title            string            `json:"title"`
	LegalBasis       string            `json:"legal_basis,omitempty"`
	Phase            Window            `json:"phase"`
	Calendar         []Window          `json:"calendar"`
	Prerequisites    []PrerequisiteDef `json:"prerequisites"`
	Objectives       []Objective       `json:"objectives"`
	Steps            []StepDef         `json:"steps"`
	Funding          Funding           `json:"funding"`
	PriorityMeasures MeasureList       `json:"priority_measures"`
	Choices          []Choice          `json:"choices"`
}

// Window is a dated period of the calendar. Revisions keep every published
// end date: the programme's dates moved.
type Window struct {
	ID        string     `json:"id,omitempty"`
	Title     string     `json:"title,omitempty"`
	Start     civil.Date `json:"start,omitzero"`
	End       civil.Date `json:"end,omitzero"`
	Note      string     `json:"note,omitempty"`
	Revisions []Revision `json:"revisions,omitempty"`
	// StartStep, for the operational phase, is the dossier step whose
	// recorded date starts the phase for that dossier (Start is the default).
	StartStep string `json:"start_step,omitempty"`
}

// Contains reports whether d falls in the window (bounds inclusive; a
// missing bound is open).
func (w Window) Contains(d civil.Date) bool {
	return (w.Start.IsZero() || !d.Before(w.Start)) && (w.End.IsZero() || !d.After(w.End))
}

// Revision is one published value of a window's end.
type Revision struct {
	End    civil.Date `json:"end"`
	Source string     `json:"source"`
	Note   string     `json:"note,omitempty"`
}

// PrerequisiteDef is a prerequisite of eligibility (e.g. PS2.1).
type PrerequisiteDef struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	AppliesTo string `json:"applies_to"`
}

// Objective is one objective of a wave, evaluated by a named rule with its
// parameters.
type Objective struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Target    string   `json:"target"`
	Rule      string   `json:"rule"`
	AppliesTo string   `json:"applies_to"` // directory, ej, pmsi, ght
	Params    Params   `json:"params,omitzero"`
	Evidence  []string `json:"evidence,omitempty"`
}

// Cadence readings of "at least every N days during the operational phase".
const (
	// ReadingPhase: no gap longer than N days between consecutive audits
	// from the phase start to the judgement date (the default).
	ReadingPhase = "phase"
	// ReadingLastTwo: only the last two audits and the last one's age
	// count; earlier gaps are flagged (lenient, never the default).
	ReadingLastTwo = "last_two"
)

// Readings of a provisional AD level (some control points that could lower
// it were not evaluated) by the level rule.
const (
	// ProvisionalVerify: a provisional level counts at face value, but a
	// result that rests on one is « à vérifier » — a warning, never a plain
	// success (the default).
	ProvisionalVerify = "verify"
	// ProvisionalExclude: a provisional level never counts as reaching the
	// required level; the objective waits for a complete audit.
	ProvisionalExclude = "exclude"
)

// Params are a rule's thresholds. Unused ones stay zero.
type Params struct {
	MaxIntervalDays int `json:"max_interval_days,omitempty"`
	// Reading is the cadence reading (ReadingPhase when empty).
	Reading        string   `json:"reading,omitempty"`
	MinLevel       int      `json:"min_level,omitempty"`
	MinSpacingDays int      `json:"min_spacing_days,omitempty"`
	MaxSpacingDays int      `json:"max_spacing_days,omitempty"`
	MaxCritical    int      `json:"max_critical,omitempty"`
	WindowMonths   int      `json:"window_months,omitempty"`
	Measures       int      `json:"measures,omitempty"`
	MaxAgeYears    int      `json:"max_age_years,omitempty"`
	Sources        []string `json:"sources,omitempty"`
	// GeneralManagementTerms and BusinessTerms recognise, in an exercise's
	// participants (role or direction, accents and case ignored), the
	// general management (decision-making crisis cell) and the clinical or
	// business directions.
	GeneralManagementTerms []string `json:"general_management_terms,omitempty"`
	BusinessTerms          []string `json:"business_terms,omitempty"`
	// Provisional is how the level rule reads a provisional level
	// (ProvisionalVerify when empty).
	Provisional string `json:"provisional,omitempty"`
}

// StepDef is a step of the dossier's life.
type StepDef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Actor   string `json:"actor"`
	FinalIf string `json:"final_if,omitempty"` // outcome that ends the dossier
	// Window is the calendar window the step is expected in, when the
	// calendar gives one (e.g. declaration_instruction_ars).
	Window string `json:"window,omitempty"`
}

// Funding is the money frame of a wave.
type Funding struct {
	EnvelopeEUR float64 `json:"envelope_eur"`
	Note        string  `json:"note,omitempty"`
}

// MeasureList is the list of oSIS priority measures.
type MeasureList struct {
	Note  string    `json:"note,omitempty"`
	Items []Measure `json:"items"`
}

// Measure is one priority measure. Placeholder titles are marked.
type Measure struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Theme       string `json:"theme,omitempty"`
	Placeholder bool   `json:"placeholder,omitempty"`
}

// Choice documents how an ambiguous rule was interpreted.
type Choice struct {
	Topic    string `json:"topic"`
	Decision string `json:"decision"`
}

// DefaultCatalogue returns the embedded catalogue.
func DefaultCatalogue() (*Catalogue, error) {
	entries, err := catalogueFS.ReadDir("catalogue")
	if err != nil {
		return nil, err
	}
	c := &Catalogue{Format: CatalogueFormat}
	for _, e := range entries {
		b, err := catalogueFS.ReadFile("catalogue/" + e.Name())
		if err != nil {
			return nil, err
		}
		part, err := ParseCatalogue(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("catalogue intégré %s : %w", e.Name(), err)
		}
		c.Merge(part)
	}
	return c, nil
}

// ParseCatalogue reads and checks a catalogue file.
func ParseCatalogue(r io.Reader) (*Catalogue, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalogue illisible : %w", err)
	}
	if c.Format != CatalogueFormat {
		return nil, fmt.Errorf("catalogue : format %q non pris en charge (attendu %s)", c.Format, CatalogueFormat)
	}
	for i, w := range c.Waves {
		if err := w.check(); err != nil {
			return nil, fmt.Errorf("waves[%d] (%s) : %w", i, w.ID, err)
		}
	}
	return &c, nil
}

func (w *Wave) check() error {
	if w.ID == "" {
		return fmt.Errorf("identifiant de vague manquant")
	}
	seen := map[string]bool{}
	for i, o := range w.Objectives {
		if _, ok := rules[o.Rule]; !ok {
			return fmt.Errorf("objectives[%d] (%s) : règle %q inconnue", i, o.ID, o.Rule)
		}
		if r := o.Params.Reading; r != "" && r != ReadingPhase && r != ReadingLastTwo {
			return fmt.Errorf("objectives[%d] (%s) : lecture %q inconnue (attendu %q ou %q)", i, o.ID, r, ReadingPhase, ReadingLastTwo)
		}
		if p := o.Params.Provisional; p != "" && p != ProvisionalVerify && p != ProvisionalExclude {
			return fmt.Errorf("objectives[%d] (%s) : lecture d'un niveau provisoire %q inconnue (attendu %q ou %q)", i, o.ID, p, ProvisionalVerify, ProvisionalExclude)
		}
		if seen[o.ID] {
			return fmt.Errorf("objectives[%d] : objectif %s en double", i, o.ID)
		}
		seen[o.ID] = true
	}
	return nil
}

// Merge adds the waves of other, replacing waves with the same ID.
func (c *Catalogue) Merge(other *Catalogue) {
	for _, w := range other.Waves {
		replaced := false
		for i := range c.Waves {
			if c.Waves[i].ID == w.ID {
				c.Waves[i] = w
				replaced = true
			}
		}
		if !replaced {
			c.Waves = append(c.Waves, w)
		}
	}
	sort.SliceStable(c.Waves, func(i, j int) bool { return c.Waves[i].ID < c.Waves[j].ID })
}

// Wave returns the wave with that ID.
func (c *Catalogue) Wave(id string) (*Wave, error) {
	for i := range c.Waves {
		if strings.EqualFold(c.Waves[i].ID, id) {
			return &c.Waves[i], nil
		}
	}
	return nil, fmt.Errorf("vague %q inconnue (connues : %s)", id, strings.Join(c.WaveIDs(), ", "))
}

// Objective returns the objective with that ID in either official spelling.
func (w *Wave) Objective(id string) (*Objective, bool) {
	id = NormalizeID(id)
	for i := range w.Objectives {
		if w.Objectives[i].ID == id {
			return &w.Objectives[i], true
		}
	}
	return nil, false
}

// Window returns the calendar window with that ID.
func (w *Wave) Window(id string) (Window, bool) {
	for _, c := range w.Calendar {
		if c.ID == id {
			return c, true
		}
	}
	return Window{}, false
}

// Deadline is the effective end of the declaration window.
func (w *Wave) Deadline() civil.Date {
	d, _ := w.Window("declaration")
	return d.End
}

// Prerequisite returns the prerequisite with that ID.
func (w *Wave) Prerequisite(id string) (*PrerequisiteDef, bool) {
	id = NormalizeID(id)
	for i := range w.Prerequisites {
		if w.Prerequisites[i].ID == id {
			return &w.Prerequisites[i], true
		}
	}
	return nil, false
}

// ObjectiveIDs lists the objective IDs of the wave, in catalogue order.
func (w *Wave) ObjectiveIDs() []string {
	ids := make([]string, len(w.Objectives))
	for i, o := range w.Objectives {
		ids[i] = o.ID
	}
	return ids
}

// WaveIDs lists the waves of the catalogue.
func (c *Catalogue) WaveIDs() []string {
	ids := make([]string, len(c.Waves))
	for i, w := range c.Waves {
		ids[i] = w.ID
	}
	return ids
}

var (
	zeroForO = regexp.MustCompile(`\.0(\d)`)
	slugID   = regexp.MustCompile(`^D(\d)[0O](\d)([A-Z]?)$`)
)

// NormalizeID returns the official spelling of an objective ID: "D1.01.A",
// "d1.o1.a" and the FAQ slug "d101a" all give "D1.O1.A".
func NormalizeID(id string) string {
	s := strings.ToUpper(strings.TrimSpace(id))
	if m := slugID.FindStringSubmatch(s); m != nil {
		s = "D" + m[1] + ".O" + m[2]
		if m[3] != "" {
			s += "." + m[3]
		}
		return s
	}
	return zeroForO.ReplaceAllString(s, ".O$1")
}
