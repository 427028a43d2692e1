package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// status returns the status of an objective for an entity in the stored demo dossier at demoAt.
func (e *env) status(objective, entity string) care.Status {
	e.t.Helper()
	return e.statusAt(objective, entity, demoAt)
}

// statusAt is status evaluated at another date.
func (e *env) statusAt(objective, entity, at string) care.Status {
	e.t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		e.t.Fatal(err)
	}
	ev, err := care.Evaluate(&f, civil.MustParse(at))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range ev.Results {
		if r.Objective == objective && r.Entity == entity {
			return r.Status
		}
	}
	return ""
}

func TestRecordForms(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/osis")
	tok := csrfOf(t, page)
	osis := func() url.Values {
		v := url.Values{"csrf": {tok}, "annee": {"2025"}, "part_budget": {"oui"}, "at": {demoAt}, "date_declaration": {"15/06/2025"}}
		for i := 1; i <= 43; i++ {
			v.Set(fmt.Sprintf("mesure_MP%02d", i), care.MeasureAnswers[i%4])
		}
		return v
	}
	budget := func() url.Values {
		return url.Values{"csrf": {tok}, "annee": {"2025"}, "part_numerique": {"2,5"}, "etp_ssi": {"1.5"}, "date_declaration": {demoAt}}
	}
	cases := []struct {
		path  string
		base  func() url.Values
		field string
		value string
		want  string
	}{
		{"/entites/010000040/osis", osis, "annee", "", "valeur obligatoire"},
		{"/entites/010000040/osis", osis, "annee", "deux mille", "n'est pas un nombre entier"},
		{"/entites/010000040/osis", osis, "annee", "2019", "entre 2020 et 2026"},
		{"/entites/010000040/osis", osis, "annee", "2027", "entre 2020 et 2026"},
		{"/entites/010000040/osis", osis, "part_budget", "", "répondez par oui ou non"},
		{"/entites/010000040/osis", osis, "part_budget", "1", "oui ou non attendu"},
		{"/entites/010000040/osis", osis, "mesure_MP07", "peut-être", "réponse invalide : oui, partiellement, non ou non applicable"},
		{"/entites/010000040/osis", osis, "mesure_MP43", "1", "réponse invalide"},
		{"/entites/010000040/budget", budget, "part_numerique", "101", "entre 0 et 100"},
		{"/entites/010000040/budget", budget, "part_numerique", "2,5 %", "n'est pas un nombre"},
		{"/entites/010000040/budget", budget, "etp_ssi", "", "valeur obligatoire"},
		{"/entites/010000040/budget", budget, "etp_ssi", "NaN", "n'est pas un nombre"},
		{"/entites/010000040/budget", budget, "date_declaration", "", "date obligatoire"},
		{"/entites/010000040/budget", budget, "date_declaration", "31/02/2025", "n'est pas une date valide"},
		{"/entites/010000040/osis", osis, "date_declaration", "2026-01-11", "date dans le futur (aujourd'hui : 10/01/2026)"},
	}
	before, _ := e.st.LoadFacts(t.Context(), "CVL-99")
	for _, tc := range cases {
		f := tc.base()
		f.Set(tc.field, tc.value)
		resp, body := c.post(tc.path, f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, escapeHTML(tc.want)) {
			t.Errorf("%s %s=%q: %d, want 400 with %q", tc.path, tc.field, tc.value, resp.StatusCode, tc.want)
			continue
		}
		if !strings.Contains(body, `<a href="#`+tc.field+`">`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s %s: the field is not named in the summary or not marked", tc.path, tc.field)
		}
	}
	after, _ := e.st.LoadFacts(t.Context(), "CVL-99")
	if len(after.OSIS) != len(before.OSIS) || len(after.Budget) != len(before.Budget) {
		t.Errorf("refused forms stored data: oSIS %d → %d, budget %d → %d", len(before.OSIS), len(after.OSIS), len(before.Budget), len(after.Budget))
	}
	// Budget is declared for an EJ only.
	if resp, body := c.get("/entites/010000057/budget"); resp.StatusCode != 400 || !strings.Contains(body, "entité juridique") {
		t.Errorf("budget form on an EG: %d", resp.StatusCode)
	}
	// CSRF and scope.
	f := osis()
	f.Del("csrf")
	if resp, _ := c.post("/entites/010000040/osis", f); resp.StatusCode != http.StatusForbidden {
		t.Errorf("oSIS without CSRF: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/entites/010000016/osis", osis()); resp.StatusCode != http.StatusNotFound {
		t.Errorf("oSIS for another establishment: %d", resp.StatusCode)
	}

	// A complete oSIS declared after the wave's deadline (30/06/2025) does
	// not count for it, even judged later; declared before, it makes D1.O4 met.
	if got := e.status("D1.O4", "010000040"); got == care.Met {
		t.Fatal("precondition: D1.O4 already met")
	}
	late := osis()
	late.Set("date_declaration", "05/01/2026")
	if resp, _ := c.post("/entites/010000040/osis", late); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("late oSIS: %d", resp.StatusCode)
	}
	if got := e.statusAt("D1.O4", "010000040", "2026-01-10"); got == care.Met {
		t.Errorf("D1.O4 met by an oSIS declared after the deadline: %s", got)
	}
	resp, _ := c.post("/entites/010000040/osis", osis())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("oSIS: %d", resp.StatusCode)
	}
	if got := e.status("D1.O4", "010000040"); got != care.Met {
		t.Errorf("D1.O4 after the oSIS declaration: %s, want met", got)
	}
	resp, _ = c.post("/entites/010000040/budget", budget())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("budget: %d", resp.StatusCode)
	}
	_, body := c.get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Déclaration enregistrée") {
		t.Error("no confirmation after the budget")
	}
	trail, err := e.st.AuditTrail(t.Context(), 2)
	if err != nil || len(trail) != 2 || trail[0].Action != "budget" || trail[1].Action != "osis" || trail[0].By != "rssi-rivebelle" { // the latest two
		t.Errorf("audit trail: %+v %v", trail, err)
	}
}

func TestTrailPage(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau")
	if resp, _ := c.post("/entites/010000040/exercices", exerciseForm(csrfOf(t, page))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("exercise: %d", resp.StatusCode)
	}
	if resp, _ := c.get("/journal"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("establishment opens the audit trail: %d", resp.StatusCode)
	}
	admin := e.login("admin")
	resp, body := admin.get("/journal")
	if resp.StatusCode != 200 || !strings.Contains(rowOf(body, `<td data-label="Auteur">rssi-rivebelle</td>`), "exercice") {
		t.Errorf("audit trail page: %d, no entry for the exercise", resp.StatusCode)
	}
	if resp, _ := admin.get("/journal?n=0"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("n=0: %d", resp.StatusCode)
	}
}
