package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/internal/care"
)

func TestOSISChecklist(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/osis?at=" + demoAt)
	if n := strings.Count(page, `class="mesure"`); n != 43 {
		t.Errorf("%d checklist rows, want 43", n)
	}
	for _, want := range []string{`<legend>Mesures MP01 à MP10</legend>`, `<legend>Mesures MP41 à MP43</legend>`,
		`<input type="radio" id="mesure_MP43-na" name="mesure_MP43" value="na">`, `<label for="mesure_MP43-na">Non applicable</label>`} {
		if !strings.Contains(page, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	if strings.Contains(page, `id="mesures"`) {
		t.Error("the count field is still shown")
	}
	// Looking at a past date, the declaration is dated that day by default.
	if !strings.Contains(page, `name="date_declaration" type="date" value="`+demoAt+`"`) {
		t.Error("the declaration date is not prefilled with the date looked at")
	}
	// A partial checklist is stored as such; its size is the count.
	f := url.Values{"csrf": {csrfOf(t, page)}, "annee": {"2025"}, "part_budget": {"oui"}, "at": {demoAt}, "date_declaration": {demoAt},
		"mesure_MP01": {"oui"}, "mesure_MP02": {"partiel"}, "mesure_MP40": {"na"}}
	if resp, _ := c.post("/entites/010000040/osis", f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("oSIS: %d", resp.StatusCode)
	}
	facts, err := e.st.LoadFacts(t.Context(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	var got *care.OSIS
	for i, o := range facts.OSIS {
		if o.Entity == "010000040" && o.Year == 2025 {
			got = &facts.OSIS[i]
		}
	}
	if got == nil || got.PriorityMeasuresAnswered != 3 || got.Measures["MP02"] != care.MeasurePartial || len(got.Measures) != 3 || got.Date.String() != demoAt {
		t.Fatalf("stored oSIS: %+v", got)
	}
	if s := e.status("D1.O4", "010000040"); s == care.Met {
		t.Error("D1.O4 met with 3 measures of 43")
	}
	// The refused answer re-displays the form with the other answers kept.
	f.Set("mesure_MP05", "sans doute")
	resp, body := c.post("/entites/010000040/osis", f)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<a href="#mesure_MP05">`) ||
		!strings.Contains(body, `id="mesure_MP02-partiel" name="mesure_MP02" value="partiel" checked`) {
		t.Errorf("refused answer: %d", resp.StatusCode)
	}
}
