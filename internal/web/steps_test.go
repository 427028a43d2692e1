package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// postStep loads the dossier life form as c and submits a step; the
// values are step, date, then optional field=value pairs.
func postStep(t *testing.T, c *client, id, step, date string, extra ...string) (int, string) {
	t.Helper()
	resp, page := c.get("/dossiers/" + id + "/cycle")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("form of %s: %d", id, resp.StatusCode)
	}
	v := url.Values{"csrf": {csrfOf(t, page)}, "etape": {step}, "date": {date}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	resp, page = c.post("/dossiers/"+id+"/cycle", v)
	return resp.StatusCode, page
}

// stepCount returns how many steps a stored dossier has.
func stepCount(t *testing.T, e *env, id string) int {
	t.Helper()
	f, err := e.st.LoadFacts(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(f.Dossier.Steps)
}

func TestStepsAccess(t *testing.T) {
	e := newEnv(t)
	for login, want := range map[string]int{"auditeur": 403, "rssi-rivebelle": 403, "ars-idf": 404, "rssi-clinique": 404,
		"ars-cvl": 200, "referent-ght": 200, "admin": 200} {
		if resp, _ := e.login(login).get("/dossiers/CVL-99/cycle"); resp.StatusCode != want {
			t.Errorf("%s: GET %d, want %d", login, resp.StatusCode, want)
		}
	}
	// A step that is not the role's answers 403, even when it is the next one.
	for _, c := range []struct{ login, id, step string }{
		{"ars-cvl", "CVL-99", "declared"}, {"referent-ght", "CVL-99", "instructed"},
		{"referent-ght", "CVL-99", "controlled"}, {"rssi-clinique", "750000010", "candidature_validated"},
		{"ars-idf", "750000010", "candidature_submitted"}, {"ars-cvl", "CVL-99", "paid"},
	} {
		if status, _ := postStep(t, e.login(c.login), c.id, c.step, "2025-12-01"); status != http.StatusForbidden {
			t.Errorf("%s %s: %d, want 403", c.login, c.step, status)
		}
	}
	if n := stepCount(t, e, "CVL-99"); n != 2 {
		t.Errorf("refused steps stored: %d steps", n)
	}
	// Without the form token nothing is stored.
	c := e.login("referent-ght")
	if resp, _ := c.post("/dossiers/CVL-99/cycle", url.Values{"etape": {"declared"}, "date": {"2025-12-01"}}); resp.StatusCode == http.StatusSeeOther || stepCount(t, e, "CVL-99") != 2 {
		t.Errorf("post without CSRF token: %d", resp.StatusCode)
	}
}

func TestStepsLifeOfGHTDossier(t *testing.T) {
	e := newEnv(t)
	ght, ars, admin := e.login("referent-ght"), e.login("ars-cvl"), e.login("admin")
	bad := func(c *client, step, date, field, msg string, extra ...string) {
		t.Helper()
		status, page := postStep(t, c, "CVL-99", step, date, extra...)
		if status != http.StatusBadRequest || !strings.Contains(page, field+"</a> : "+msg) || !strings.Contains(page, `name="etape"`) {
			t.Errorf("%s %s: %d, want 400 naming %q with %q", step, date, status, field, msg)
		}
	}
	good := func(c *client, step, date string, extra ...string) {
		t.Helper()
		if status, _ := postStep(t, c, "CVL-99", step, date, extra...); status != http.StatusSeeOther {
			t.Fatalf("%s %s: %d, want 303 to the dashboard", step, date, status)
		}
	}
	bad(ght, "candidature_submitted", "2025-12-01", "Étape", "étape hors d&#39;ordre")
	bad(ght, "declared", "2024-05-01", "Date de l&#39;étape", "date antérieure à l&#39;étape précédente")
	bad(ght, "declared", "2026-02-01", "Date de l&#39;étape", "date dans le futur")
	bad(ght, "declared", "pas une date", "Date de l&#39;étape", "« pas une date » n&#39;est pas une date valide")
	good(ght, "declared", "2025-06-01")
	if _, page := ght.get("/dossiers/CVL-99"); !strings.Contains(page, "Prochaine étape : Déclaration instruite par l&#39;ARS.") {
		t.Error("dashboard does not show the next step (instruction by the ARS)")
	}
	good(ars, "instructed", "2025-07-01")
	bad(admin, "paid", "2025-08-01", "Étape", "étape hors d&#39;ordre : la prochaine étape est « Déclaration contrôlée par l&#39;ANS »")
	good(admin, "controlled", "2025-08-01")
	bad(admin, "attestation", "2025-09-01", "Résultat de l&#39;attestation", "résultat de l&#39;attestation obligatoire")
	bad(admin, "attestation", "2025-09-01", "Montant versé (€)", "le montant ne concerne que le paiement", "resultat", "met", "montant", "100")
	good(admin, "attestation", "2025-09-01", "resultat", "not_met")
	bad(admin, "paid", "2025-10-01", "Étape", "attestation « non atteint » : décision définitive", "montant", "1000")
	f := demoFacts(t, e)
	last := f.Dossier.Steps[len(f.Dossier.Steps)-1]
	if len(f.Dossier.Steps) != 6 || last.Step != "attestation" || last.Outcome != "not_met" || last.By != "admin (administrateur)" || len(f.Dossier.Payments) != 0 {
		t.Errorf("stored dossier: %+v", f.Dossier)
	}
	if _, page := admin.get("/dossiers/CVL-99"); strings.Contains(page, "Prochaine étape") {
		t.Error("a closed dossier still shows a next step")
	}
}

func TestStepsEstablishmentAndPayment(t *testing.T) {
	e := newEnv(t)
	const id = "750000010"
	clinic, ars, admin := e.login("rssi-clinique"), e.login("ars-idf"), e.login("admin")
	for _, s := range []struct {
		c          *client
		step, date string
		extra      []string
	}{
		{clinic, "candidature_submitted", "2024-04-01", nil}, {ars, "candidature_validated", "2024-05-01", nil},
		{clinic, "declared", "2025-05-01", nil}, {ars, "instructed", "2025-06-01", nil},
		{admin, "controlled", "2025-07-01", nil}, {admin, "attestation", "2025-08-01", []string{"resultat", "met"}},
		{admin, "paid", "2025-09-01", []string{"montant", "42 000,50"}},
	} {
		if status, _ := postStep(t, s.c, id, s.step, s.date, s.extra...); status != http.StatusSeeOther {
			t.Fatalf("%s: %d", s.step, status)
		}
	}
	f, err := e.st.LoadFacts(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Dossier.Steps) != 7 || len(f.Dossier.Payments) != 1 || f.Dossier.Payments[0].AmountEUR != 42000.5 {
		t.Errorf("stored dossier: %+v", f.Dossier)
	}
	status, page := postStep(t, admin, id, "paid", "2025-10-01")
	if status != http.StatusBadRequest || !strings.Contains(page, "toutes les étapes sont déjà enregistrées") {
		t.Errorf("step after the last: %d", status)
	}
}
