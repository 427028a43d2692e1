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

func TestADCadence(t *testing.T) {
	cases := []struct {
		name   string
		dates  []string
		source string
		asOf   string
		opts   Options
		want   Status
		due    string
	}{
		{"no audit before deadline", nil, "ADS", "2025-01-10", Options{}, InProgress, "2025-06-30"},
		{"no audit after deadline", nil, "ADS", "2025-07-01", Options{}, NotMet, ""},
		{"one recent audit", []string{"2025-01-01"}, "ADS", "2025-01-20", Options{}, InProgress, "2025-03-02"},
		{"gap 60 days", []string{"2025-01-01", "2025-03-02"}, "ADS", "2025-03-10", Options{}, Met, "2025-05-01"},
		{"gap 61 days", []string{"2025-01-01", "2025-03-03"}, "ADS", "2025-03-10", Options{}, NotMet, "2025-05-02"},
		{"last audit 60 days old", []string{"2025-01-01", "2025-02-01"}, "ADS", "2025-04-02", Options{}, Met, "2025-04-02"},
		{"last audit 61 days old", []string{"2025-01-01", "2025-02-01"}, "ADS", "2025-04-03", Options{}, NotMet, "2025-04-02"},
		{"after the phase only the pair counts", []string{"2025-05-01", "2025-06-20"}, "ADS", "2025-11-01", Options{}, Met, ""},
		{"vigie audits ignored by default", []string{"2025-01-01", "2025-02-01"}, "vigie", "2025-02-10", Options{}, InProgress, "2025-06-30"},
		{"vigie audits counted on request", []string{"2025-01-01", "2025-02-01"}, "vigie", "2025-02-10", Options{IncludeVigie: true}, Met, "2025-04-02"},
		{"future audits ignored", []string{"2025-01-01", "2025-02-01"}, "ADS", "2025-01-15", Options{}, InProgress, "2025-03-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := publicEJ()
			f.ADAudits = adAudits("ad-a", c.dates, make([]int, len(c.dates)), c.source)
			r := result(t, evaluate(t, f, c.asOf, c.opts), "D1.O1.A", "ad-a")
			wantStatus(t, r, c.want)
			switch {
			case c.due == "" && r.Next != nil:
				t.Errorf("unexpected next action %+v", r.Next)
			case c.due != "" && (r.Next == nil || r.Next.Due.String() != c.due):
				t.Errorf("next = %+v, want due %s", r.Next, c.due)
			}
		})
	}
}

func TestADCadenceNextActionWording(t *testing.T) {
	f := publicEJ()
	f.ADAudits = adAudits("ad-a", []string{"2024-11-15"}, []int{2}, "ADS")
	r := result(t, evaluate(t, f, "2024-12-01", Options{}), "D1.O1.A", "ad-a")
	if r.Next == nil || r.Next.Action != "prochain audit ADS de a.local au plus tard le 2025-01-14" {
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
	if !strings.Contains(r.Reason, "vuln1_spn_priv") || len(r.Evidence) != 1 {
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
