package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/internal/store"
)

// exerciseForm is a valid exercise form for CH de Rivebelle.
func exerciseForm(csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "date": {"2025-06-10"}, "kit": {"confirme"}, "scenario": {"Rançongiciel sur le DPI"},
		"direction_generale": {"oui"}, "directions_metier": {"oui"}, "debriefing": {"2025-06-10"}, "retex": {"2025-07-01"}}
}

func TestExerciseBadInput(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau")
	tok := csrfOf(t, page)
	before := len(e.exercises(t))
	cases := []struct {
		name, field, value, want string
	}{
		{"missing date", "date", "", "date obligatoire"},
		{"bad date", "date", "10.06.2025", "n'est pas une date valide"},
		{"impossible French date", "date", "30/02/2025", "n'est pas une date valide"},
		{"impossible date", "date", "2025-02-30", "n'est pas une date valide"},
		{"future date", "date", "2026-03-01", "date dans le futur"},
		{"ancient date", "date", "1999-12-31", "antérieure à l'an 2000"},
		{"missing kit", "kit", "", "choisissez le niveau du kit"},
		{"unknown kit", "kit", "expert", "niveau inconnu"},
		{"missing scenario", "scenario", "  ", "décrivez le scénario"},
		{"long scenario", "scenario", strings.Repeat("é", 501), "500 caractères au plus"},
		{"missing management", "direction_generale", "", "répondez par oui ou non"},
		{"bad clinical", "directions_metier", "peut-être", "oui ou non attendu"},
		{"debrief before", "debriefing", "2025-06-01", "ne peut précéder l'exercice"},
		{"retex before", "retex", "2025-06-09", "ne peut précéder l'exercice"},
		{"bad retex", "retex", "demain", "n'est pas une date valide"},
	}
	for _, tc := range cases {
		f := exerciseForm(tok)
		f.Set(tc.field, tc.value)
		resp, body := c.post("/entites/010000040/exercices", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
			continue
		}
		if !strings.Contains(body, escapeHTML(tc.want)) {
			t.Errorf("%s: message %q missing", tc.name, tc.want)
		}
		label := (exerciseData{}).Label(tc.field)
		if !strings.Contains(body, `<a href="#`+tc.field+`">`+escapeHTML(label)+`</a>`) {
			t.Errorf("%s: the error summary does not name the field %q", tc.name, label)
		}
		if !strings.Contains(body, `id="`+tc.field+`"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s: the form is not re-displayed with the field marked invalid", tc.name)
		}
		if tc.field == "scenario" && tc.value != "  " && !strings.Contains(body, tc.value[:20]) {
			t.Errorf("%s: the typed value is lost", tc.name)
		}
	}
	// A date typed as people write it (JJ/MM/AAAA) is read; the form shows
	// it back as the browser's date field expects.
	f := exerciseForm(tok)
	f.Set("date", "10/06/2025")
	f.Set("debriefing", "")
	f.Set("kit", "")
	if _, body := c.post("/entites/010000040/exercices", f); strings.Contains(body, "date valide") ||
		!strings.Contains(body, `name="date" type="date" required value="2025-06-10"`) {
		t.Errorf("date JJ/MM/AAAA not read back:\n%s", body)
	}
	if after := len(e.exercises(t)); after != before {
		t.Errorf("exercises: %d → %d after refused forms", before, after)
	}
	// CSRF.
	f = exerciseForm("")
	resp, body := c.post("/entites/010000040/exercices", f)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "jeton de sécurité") {
		t.Errorf("missing CSRF: %d, want 403", resp.StatusCode)
	}
	last := "x"
	if strings.HasSuffix(tok, "x") {
		last = "y"
	}
	f = exerciseForm(tok[:len(tok)-1] + last)
	if resp, _ := c.post("/entites/010000040/exercices", f); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF: %d, want 403", resp.StatusCode)
	}
	// Another session's token is refused.
	_, other := e.login("referent-ght").get("/")
	if resp, _ := c.post("/entites/010000040/exercices", exerciseForm(csrfOf(t, other))); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's CSRF: %d, want 403", resp.StatusCode)
	}
	if after := len(e.exercises(t)); after != before {
		t.Errorf("exercises: %d → %d after CSRF failures", before, after)
	}
}

func escapeHTML(s string) string {
	return strings.NewReplacer("'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestExerciseRecordedTurnsD1O3Met(t *testing.T) {
	e := newEnv(t)
	if got := e.d1o3("010000040"); got == "met" {
		t.Fatal("precondition: D1.O3 already met for CH de Rivebelle")
	}
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau?at=" + demoAt)
	f := exerciseForm(csrfOf(t, page))
	f.Set("at", demoAt)
	resp, _ := c.post("/entites/010000040/exercices", f)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/entites/010000040?") {
		t.Fatalf("record: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := e.d1o3("010000040"); got != "met" {
		t.Errorf("D1.O3 after the exercise: %s, want met", got)
	}
	_, body := c.get(resp.Header.Get("Location"))
	row := rowOf(body, `data-objectif="D1.O3" data-entite="010000040"`)
	if !strings.Contains(row, "atteint") || strings.Contains(row, "non atteint") {
		t.Errorf("entity page D1.O3 row: %q", row)
	}
	if !strings.Contains(body, "Exercice de crise enregistré") {
		t.Error("no confirmation")
	}
	// The same date again is refused with a French error on the date field.
	resp, body = c.post("/entites/010000040/exercices", f)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "déjà enregistré") {
		t.Errorf("duplicate: %d", resp.StatusCode)
	}
	trail, err := e.st.AuditTrail(t.Context(), 5)
	if err != nil || len(trail) == 0 || trail[0].Action != store.ActionExercise || trail[0].By != "rssi-rivebelle" {
		t.Errorf("audit trail: %+v %v", trail, err)
	}
}

// rowOf returns the table row that has attrs.
func rowOf(body, attrs string) string {
	i := strings.Index(body, attrs)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}
