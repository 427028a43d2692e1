package care

import (
	"strings"
	"testing"
)

func adAudits(dir string, dates []string, levels []int, source string) []ADAudit {
	out := make([]ADAudit, len(dates))
	for i := range dates {
		out[i] = ADAudit{Directory: dir, Date: d(dates[i]), Level: levels[i], Source: source}
	}
	return out
}

// TestADCadence: from the phase start (here the ARS validation on
// 01/06/2024) to the judgement date, no gap over 60 days, the first audit
// within 60 days of the start; a past gap cannot be repaired.
func TestADCadence(t *testing.T) {
	cases := []struct {
		name           string
		dates          []string
		source         string
		asOf           string
		opts           Options
		want           Status
		due            string // "" : no next action
		done, expected int
		reason         string
	}{
		{"before the phase starts", nil, "ADS", "2024-05-01", Options{}, InProgress, "2024-07-31", -1, -1, "phase opérationnelle à partir du 01/06/2024"},
		{"no audit, day 60 of the phase", nil, "ADS", "2024-07-31", Options{}, InProgress, "2024-07-31", 0, 1, "aucun audit ADS"},
		{"no audit, day 61 of the phase", nil, "ADS", "2024-08-01", Options{}, NotMet, "2024-07-31", 0, 1, "aucun audit depuis le début de la phase (01/06/2024), soit 61 jours au 01/08/2024"},
		{"first audit on day 60", []string{"2024-07-31"}, "ADS", "2024-08-10", Options{}, Met, "2024-09-29", 1, 1, "dernier le 31/07/2024"},
		{"first audit on day 61", []string{"2024-08-01"}, "ADS", "2024-08-10", Options{}, NotMet, "2024-09-30", 1, 1, "premier audit le 01/08/2024, 61 jours après le début de la phase (01/06/2024)"},
		{"gaps of 60 days", []string{"2024-07-01", "2024-08-30", "2024-10-29"}, "ADS", "2024-11-15", Options{}, Met, "2024-12-28", 3, 2, "3 audits réalisés pour 2 attendus"},
		{"a 61-day gap in mid-phase is not repaired", []string{"2024-07-01", "2024-08-31", "2024-09-30"}, "ADS", "2024-10-15", Options{}, NotMet, "2024-11-29", 3, 2, "61 jours entre les audits du 01/07/2024 et du 31/08/2024"},
		{"last audit 60 days old", []string{"2024-07-01", "2024-08-01"}, "ADS", "2024-09-30", Options{}, Met, "2024-09-30", 2, 2, ""},
		{"last audit 61 days old", []string{"2024-07-01", "2024-08-01"}, "ADS", "2024-10-01", Options{}, NotMet, "2024-09-30", 2, 2, "aucun audit depuis le 01/08/2024, soit 61 jours au 01/10/2024"},
		{"audits before the phase do not count", []string{"2024-04-01", "2024-05-15"}, "ADS", "2024-06-20", Options{}, InProgress, "2024-07-31", 0, 0, "2 audits antérieurs au début de la phase non comptés"},
		{"vigie audits ignored by default", []string{"2024-07-01", "2024-08-01"}, "vigie", "2024-08-10", Options{}, NotMet, "2024-07-31", 0, 1, "2 audits d'une autre source non pris en compte"},
		{"vigie audits counted on request", []string{"2024-07-01", "2024-08-01"}, "vigie", "2024-08-10", Options{IncludeVigie: true}, Met, "2024-09-30", 2, 1, ""},
		{"future audits ignored", []string{"2024-07-01", "2024-08-01"}, "ADS", "2024-07-15", Options{}, Met, "2024-08-30", 1, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := withPhase(publicEJ(), "2024-06-01")
			f.ADAudits = adAudits("ad-a", c.dates, make([]int, len(c.dates)), c.source)
			r := result(t, evaluate(t, f, c.asOf, c.opts), "D1.O1.A", "ad-a")
			wantStatus(t, r, c.want)
			switch {
			case c.due == "" && r.Next != nil:
				t.Errorf("unexpected next action %+v", r.Next)
			case c.due != "" && (r.Next == nil || r.Next.Due.String() != c.due):
				t.Errorf("next = %+v, want due %s", r.Next, c.due)
			}
			if c.done >= 0 && (r.Done == nil || *r.Done != c.done || *r.Expected != c.expected) {
				t.Errorf("audits done/expected = %v/%v, want %d/%d", deref(r.Done), deref(r.Expected), c.done, c.expected)
			}
			if c.reason != "" && !strings.Contains(r.Reason+r.Next.Action, c.reason) {
				t.Errorf("reason %q lacks %q", r.Reason, c.reason)
			}
		})
	}
}

func deref(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// The phase starts at the catalogue's default when the dossier does not
// record the ARS validation of the candidature.
func TestADCadencePhaseStartDefault(t *testing.T) {
	f := publicEJ()
	f.ADAudits = adAudits("ad-a", []string{"2024-07-20"}, []int{2}, "ADS") // 60 days after 21/05/2024
	wantStatus(t, result(t, evaluate(t, f, "2024-08-01", Options{}), "D1.O1.A", "ad-a"), Met)
	f.ADAudits[0].Date = d("2024-07-21") // 61 days
	r := result(t, evaluate(t, f, "2024-08-01", Options{}), "D1.O1.A", "ad-a")
	wantStatus(t, r, NotMet)
	if !strings.Contains(r.Reason, "21/05/2024") || !strings.Contains(r.Reason, "début par défaut") {
		t.Errorf("reason %q does not name the default phase start", r.Reason)
	}
}

// The lenient reading stays available as a catalogue option: only the last
// two audits count, an earlier gap is a warning (never a plain success).
func TestADCadenceLenientReading(t *testing.T) {
	c := catalogueWith(t, "D1.O1.A", func(p *Params) { p.Reading = ReadingLastTwo })
	f := withPhase(publicEJ(), "2024-06-01")
	f.ADAudits = adAudits("ad-a", []string{"2024-07-01", "2024-10-01", "2024-11-15"}, []int{2, 2, 2}, "ADS")
	ev, err := c.Evaluate(f, d("2024-12-01"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := result(t, ev, "D1.O1.A", "ad-a")
	wantStatus(t, r, Met)
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "92 jours") {
		t.Errorf("warnings %v", r.Warnings)
	}
	// The default reading of the same facts: not met.
	wantStatus(t, result(t, evaluate(t, f, "2024-12-01", Options{}), "D1.O1.A", "ad-a"), NotMet)
	// An unknown reading is refused when the catalogue is read.
	if _, err := ParseCatalogue(strings.NewReader(`{"format": "vigie-catalogue/1", "waves": [{"id": "X", "objectives": [{"id": "D1.O1.A", "rule": "ad-cadence", "params": {"reading": "souple"}}]}]}`)); err == nil {
		t.Error("unknown reading accepted")
	}
}

// D1.O1.A and D1.O1.B agree on the next ADS audit: the earliest due wins.
func TestADNextAuditAgrees(t *testing.T) {
	cases := []struct {
		name   string
		dates  []string
		levels []int
		asOf   string
		due    string
	}{
		{"cadence due first", []string{"2025-01-10"}, []int{2}, "2025-01-20", "2025-03-11"},
		{"deadline first: the level needs a second audit", []string{"2025-05-15"}, []int{2}, "2025-05-20", "2025-06-30"},
		{"level below", []string{"2025-03-01", "2025-04-25"}, []int{2, 1}, "2025-05-01", "2025-06-24"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := withPhase(publicEJ(), "2024-06-01")
			f.ADAudits = adAudits("ad-a", c.dates, c.levels, "ADS")
			ev := evaluate(t, f, c.asOf, Options{})
			a, b := result(t, ev, "D1.O1.A", "ad-a"), result(t, ev, "D1.O1.B", "ad-a")
			if a.Next == nil || b.Next == nil || a.Next.Due.String() != c.due || b.Next.Due.String() != c.due {
				t.Fatalf("D1.O1.A next %+v, D1.O1.B next %+v, want both due %s", a.Next, b.Next, c.due)
			}
			if !strings.Contains(b.Next.Action, d(c.due).French()) {
				t.Errorf("D1.O1.B action %q does not say %s", b.Next.Action, d(c.due).French())
			}
		})
	}
}

// When the cadence holds until the deadline and the level is reached, the
// next audit is given for steering, beyond the deadline; D1.O1.B has none.
func TestADNextAuditBeyondDeadline(t *testing.T) {
	f := withPhase(publicEJ(), "2025-05-01")
	f.ADAudits = adAudits("ad-a", []string{"2025-05-20", "2025-06-20"}, []int{2, 3}, "ADS")
	ev := evaluate(t, f, "2025-06-25", Options{})
	a := result(t, ev, "D1.O1.A", "ad-a")
	wantStatus(t, a, Met)
	if a.Next == nil || a.Next.Due.String() != "2025-08-19" || !strings.Contains(a.Next.Action, "rythme tenu jusqu'à la date limite du 30/06/2025") {
		t.Errorf("D1.O1.A next %+v", a.Next)
	}
	if b := result(t, ev, "D1.O1.B", "ad-a"); b.Status != Met || b.Next != nil {
		t.Errorf("D1.O1.B %s next %+v", b.Status, b.Next)
	}
}

func TestADCadenceNextActionWording(t *testing.T) {
	f := withPhase(publicEJ(), "2024-11-01")
	f.ADAudits = adAudits("ad-a", []string{"2024-11-15"}, []int{2}, "ADS")
	r := result(t, evaluate(t, f, "2024-12-01", Options{}), "D1.O1.A", "ad-a")
	if r.Next == nil || r.Next.Action != "prochain audit ADS de a.local au plus tard le 14/01/2025" {
		t.Fatalf("next = %+v", r.Next)
	}
}

func TestADLevel(t *testing.T) {
	cases := []struct {
		name   string
		levels []int
		asOf   string
		want   Status
	}{
		{"none", nil, "2025-03-01", InProgress},
		{"none after deadline", nil, "2025-08-01", NotMet},
		{"one at level 2", []int{2}, "2025-03-01", InProgress},
		{"one at level 1", []int{1}, "2025-03-01", NotMet},
		{"1 then 2", []int{1, 2}, "2025-03-01", InProgress},
		{"1 then 2 after deadline", []int{1, 2}, "2025-08-01", NotMet},
		{"2 then 2", []int{2, 2}, "2025-03-01", Met},
		{"2 then 5", []int{2, 5}, "2025-03-01", Met},
		{"2 then 1", []int{2, 1}, "2025-03-01", NotMet},
		{"1 1 2 2", []int{1, 1, 2, 2}, "2025-03-01", Met},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			dates := []string{"2024-09-01", "2024-10-15", "2024-12-01", "2025-01-20"}[:len(c.levels)]
			f.ADAudits = adAudits("ad-a", dates, c.levels, "ADS")
			wantStatus(t, result(t, evaluate(t, f, c.asOf, Options{}), "D1.O1.B", "ad-a"), c.want)
		})
	}
}

func TestADLevelNamesFailedChecks(t *testing.T) {
	f := publicEJ()
	f.ADAudits = []ADAudit{{Directory: "ad-a", Date: d("2025-01-10"), Level: 1, Source: "ADS", FailedChecks: []string{"vuln1_spn_priv"}}}
	r := result(t, evaluate(t, f, "2025-02-01", Options{}), "D1.O1.B", "ad-a")
	if !strings.Contains(r.Reason, "vuln1_spn_priv") || !strings.Contains(r.Reason, "10/01/2025") || len(r.Evidence) != 1 {
		t.Fatalf("reason %q evidence %v", r.Reason, r.Evidence)
	}
}

func TestEachDirectoryOfTheGHTIsEvaluated(t *testing.T) {
	f := ght()
	f.ADAudits = append(adAudits("ad-a", []string{"2025-01-01", "2025-02-01"}, []int{2, 2}, "ADS"),
		adAudits("ad-b", []string{"2025-01-01", "2025-02-01"}, []int{2, 1}, "ADS")...)
	ev := evaluate(t, f, "2025-02-15", Options{})
	wantStatus(t, result(t, ev, "D1.O1.B", "ad-a"), Met)
	wantStatus(t, result(t, ev, "D1.O1.B", "ad-b"), NotMet)
	for _, o := range ev.Objectives {
		if o.Objective == "D1.O1.B" && (o.Status != NotMet || o.Met != 1 || o.Total != 2) {
			t.Errorf("summary %+v", o)
		}
	}
}

func TestEJWithoutDirectoryIsMissingData(t *testing.T) {
	f := ght()
	f.Directories = f.Directories[:1] // only A's directory
	ev := evaluate(t, f, "2025-02-15", Options{})
	wantStatus(t, result(t, ev, "D1.O1.A", string(ejB)), MissingData)
	wantStatus(t, result(t, ev, "D1.O1.B", string(ejB)), MissingData)
}
