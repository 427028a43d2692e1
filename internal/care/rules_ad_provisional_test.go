package care

import (
	"strings"
	"testing"
)

// A provisional level (control points that could lower it not evaluated)
// is never a plain success: met only thanks to it, D1.O1.B is « à
// vérifier »; below the required level, it fails like any other.
func TestADLevelProvisional(t *testing.T) {
	type audit struct {
		level       int
		provisional []string // not evaluated points; nil: a complete audit
		flagOnly    bool     // provisional without the list
	}
	two := []string{"vuln_permissions_dpapi", "vuln_rodc_priv_revealed"}
	one := []string{"vuln_permissions_dpapi"}
	cases := []struct {
		name     string
		audits   []audit
		mode     string // Params.Provisional
		asOf     string
		want     Status
		warnings []string // substrings, one per expected warning
		reason   string
	}{
		{"both complete at level 2", []audit{{2, nil, false}, {3, nil, false}}, "", "2025-03-01", Met, nil, "niveaux 2 et 3"},
		{"last provisional at level 3: met, to check", []audit{{2, nil, false}, {3, two, false}}, "", "2025-03-01", Met,
			[]string{"niveau 3 provisoire (2 points non évalués) sur l'audit du 20/01/2025 : à confirmer par un audit complet"},
			"niveau 2 et niveau 3 (provisoire : 2 points non évalués) aux deux derniers audits ADS (01/12/2024 et 20/01/2025) : à vérifier"},
		{"both provisional: two warnings", []audit{{2, one, false}, {2, two, false}}, "verify", "2025-03-01", Met,
			[]string{"niveau 2 provisoire (1 point non évalué) sur l'audit du 01/12/2024", "niveau 2 provisoire (2 points non évalués) sur l'audit du 20/01/2025"}, "à vérifier"},
		{"flag without the list", []audit{{2, nil, false}, {4, nil, true}}, "", "2025-03-01", Met,
			[]string{"niveau 4 provisoire sur l'audit du 20/01/2025 : à confirmer"}, "niveau 4 (provisoire) aux deux derniers"},
		{"provisional level 1: a failure all the same", []audit{{2, nil, false}, {1, one, false}}, "", "2025-03-01", NotMet, nil,
			"niveau 1 (provisoire : 1 point non évalué) au dernier audit ADS du 20/01/2025 (niveau 2 requis)"},
		{"provisional level 1 fails under exclude too", []audit{{2, nil, false}, {1, one, false}}, "exclude", "2025-03-01", NotMet, nil, "niveau 2 requis"},
		{"previous provisional below: pending, no warning", []audit{{1, two, false}, {3, nil, false}}, "", "2025-03-01", InProgress, nil,
			"niveau 1 (provisoire : 2 points non évalués) le 01/12/2024 puis niveau 3 le 20/01/2025"},
		{"single provisional audit: pending with a warning", []audit{{3, two, false}}, "", "2025-03-01", InProgress,
			[]string{"niveau 3 provisoire (2 points non évalués) sur l'audit du 20/01/2025"}, "un seul audit ADS, niveau 3 (provisoire : 2 points non évalués) le 20/01/2025 : le suivant"},
		{"exclude: a provisional level does not count", []audit{{2, nil, false}, {3, two, false}}, "exclude", "2025-03-01", InProgress,
			[]string{"niveau 3 provisoire (2 points non évalués)"}, "un niveau provisoire ne compte pas, un audit complet doit le confirmer"},
		{"exclude after the deadline: not met", []audit{{2, nil, false}, {3, two, false}}, "exclude", "2025-08-01", NotMet,
			[]string{"niveau 3 provisoire"}, "un niveau provisoire ne compte pas"},
		{"exclude, both complete: met", []audit{{2, nil, false}, {2, nil, false}}, "exclude", "2025-03-01", Met, nil, "niveaux 2 et 2"},
		{"older provisional audits do not matter", []audit{{3, two, false}, {2, nil, false}, {2, nil, false}}, "", "2025-03-01", Met, nil, "niveaux 2 et 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat := catalogueWith(t, "D1.O1.B", func(p *Params) { p.Provisional = c.mode })
			f := publicEJ()
			dates := []string{"2024-10-15", "2024-12-01", "2025-01-20"}[3-len(c.audits):]
			for i, a := range c.audits {
				f.ADAudits = append(f.ADAudits, ADAudit{Directory: "ad-a", Date: d(dates[i]), Level: a.level, Source: SourceADS,
					Provisional: a.flagOnly || a.provisional != nil, ProvisionalPoints: a.provisional})
			}
			ev, err := cat.Evaluate(f, d(c.asOf), Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := result(t, ev, "D1.O1.B", "ad-a")
			wantStatus(t, r, c.want)
			if !strings.Contains(r.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", r.Reason, c.reason)
			}
			if len(r.Warnings) != len(c.warnings) {
				t.Fatalf("warnings %q, want %d", r.Warnings, len(c.warnings))
			}
			for i, w := range c.warnings {
				if !strings.Contains(r.Warnings[i], w) {
					t.Errorf("warning %q lacks %q", r.Warnings[i], w)
				}
			}
		})
	}
}

// The level's caveat is in every wording: evidence, current posture.
func TestADProvisionalWording(t *testing.T) {
	cases := []struct {
		a    ADAudit
		want string
	}{
		{ADAudit{Level: 3}, "niveau 3"},
		{ADAudit{Level: 3, Provisional: true, ProvisionalPoints: []string{"a", "b", "c", "d"}}, "niveau 3 (provisoire : 4 points non évalués)"},
		{ADAudit{Level: 2, ProvisionalPoints: []string{"a"}}, "niveau 2 (provisoire : 1 point non évalué)"},
		{ADAudit{Level: 5, Provisional: true}, "niveau 5 (provisoire)"},
	}
	for _, c := range cases {
		if got := c.a.LevelText(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.a, got, c.want)
		}
	}
	f := withPhase(publicEJ(), "2024-06-01")
	f.ADAudits = []ADAudit{{Directory: "ad-a", Date: d("2025-05-20"), Level: 3, Source: SourceADS, Provisional: true, ProvisionalPoints: []string{"vuln_x", "vuln_y"}}}
	ev := evaluate(t, f, "2025-09-01", Options{})
	r := result(t, ev, "D1.O1.A", "ad-a")
	if len(r.Evidence) == 0 || r.Evidence[len(r.Evidence)-1].Detail != "niveau 3 (provisoire : 2 points non évalués), source ADS" {
		t.Errorf("evidence %+v", r.Evidence)
	}
	if ev.Current == nil || len(ev.Current.Directories) != 1 {
		t.Fatalf("posture %+v", ev.Current)
	}
	p := ev.Current.Directories[0]
	if !p.Provisional || len(p.ProvisionalPoints) != 2 || p.LevelText() != "niveau 3 (provisoire : 2 points non évalués)" {
		t.Errorf("posture %+v %q", p, p.LevelText())
	}
}

// An unknown reading of provisional levels is refused with the catalogue.
func TestADProvisionalParamChecked(t *testing.T) {
	_, err := ParseCatalogue(strings.NewReader(`{"format": "vigie-catalogue/1", "waves": [{"id": "X", "objectives": [{"id": "D1.O1.B", "rule": "ad-level", "params": {"min_level": 2, "provisional": "ignorer"}}]}]}`))
	if err == nil || !strings.Contains(err.Error(), "niveau provisoire") {
		t.Errorf("unknown reading accepted: %v", err)
	}
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Wave("D1-2024")
	if o, _ := w.Objective("D1.O1.B"); o.Params.Provisional != ProvisionalVerify {
		t.Errorf("D1.O1.B reads provisional levels as %q, want the strict default %q", o.Params.Provisional, ProvisionalVerify)
	}
}
