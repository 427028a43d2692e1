package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// d1o1a returns the D1.O1.A statuses of the demo dossier, by entity or directory.
func (e *env) d1o1a() map[string]care.Status {
	e.t.Helper()
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		e.t.Fatal(err)
	}
	ev, err := care.Evaluate(&f, civil.MustParse(demoAt))
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]care.Status{}
	for _, r := range ev.Results {
		if r.Objective == "D1.O1.A" {
			out[r.Entity] = r.Status
		}
	}
	return out
}

func TestDirectoryEntryForm(t *testing.T) {
	e := newEnv(t)
	const path = "/dossiers/CVL-99/annuaires/saisie"
	for _, l := range []string{"rssi-rivebelle", "auditeur"} {
		if resp, _ := e.login(l).get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", l, resp.StatusCode)
		}
	}
	if resp, _ := e.login("referent-ght").get("/dossiers/XXX-00/annuaires/saisie"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown dossier: %d, want 404", resp.StatusCode)
	}
	if _, body := e.login("rssi-rivebelle").get("/dossiers/CVL-99"); strings.Contains(body, path) {
		t.Error("establishment role offered the directory form")
	}
	c := e.login("referent-ght")
	if _, body := c.get("/dossiers/CVL-99"); !strings.Contains(body, `href="`+path+`"`) {
		t.Error("no link to the directory form for the GHT referent")
	}
	// A new EJ without directory: D1.O1.A lacks data for it.
	_, page := c.get("/dossiers/CVL-99/entites/saisie")
	tok := csrfOf(t, page)
	ej := url.Values{"csrf": {tok}, "finess": {"010000081"}, "type": {"EJ"}, "nom": {"CH de l'Annexe"}, "statut": {"13"}}
	if resp, _ := c.post("/dossiers/CVL-99/entites/saisie", ej); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new EJ: %d", resp.StatusCode)
	}
	if got := e.d1o1a()["010000081"]; got != care.MissingData {
		t.Fatalf("precondition: D1.O1.A of the new EJ %q, want missing_data", got)
	}
	_, page = c.get(path + "?id=ad-rivebelle")
	if !strings.Contains(page, `value="rivebelle.local"`) || !strings.Contains(page, `value="010000040" checked`) {
		t.Error("correction not pre-filled")
	}
	good := func() url.Values {
		return url.Values{"csrf": {tok}, "id": {"ad-annexe"}, "nom": {"annexe.local"}, "entites": {"010000081"}}
	}
	cases := []struct{ field, value, want string }{
		{"id", "", "identifiant obligatoire"},
		{"id", "ad annexe", "identifiant invalide"},
		{"id", "ad_annexe", "identifiant invalide"},
		{"nom", "", "nom de l'annuaire obligatoire"},
		{"entites", "", "cochez au moins un établissement"},
		{"entites", "750000010", "choix « 750000010 » inconnu"},
	}
	for _, tc := range cases {
		f := good()
		if tc.field == "entites" && tc.value == "" {
			f.Del("entites")
		} else {
			f.Set(tc.field, tc.value)
		}
		resp, body := c.post(path, f)
		if resp.StatusCode != 400 || !strings.Contains(body, escapeHTML(tc.want)) || !strings.Contains(body, `<a href="#`+tc.field+`">`) {
			t.Errorf("%s=%q: %d, want 400 naming the field with %q", tc.field, tc.value, resp.StatusCode, tc.want)
		}
	}
	// An identifier already used by another dossier is refused.
	as, err := e.st.Applicants(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.ID != "CVL-99" {
			d := care.Directory{ID: "ad-parc", Name: "parc.lan", Entities: []org.FINESS{"750000010"}}
			if _, err := e.st.RecordDirectory(t.Context(), a.ID, d, "admin"); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := good()
	other.Set("id", "ad-parc")
	if resp, body := c.post(path, other); resp.StatusCode != 400 || !strings.Contains(body, "déjà utilisé par un autre dossier") {
		t.Errorf("another dossier's identifier: %d, want 400", resp.StatusCode)
	}
	if n := len(demoFacts(t, e).Directories); n != 3 {
		t.Fatalf("refused forms stored directories: %d", n)
	}
	resp, _ := c.post(path, good())
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dossiers/CVL-99") {
		t.Fatalf("new directory: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var got care.Directory
	for _, d := range demoFacts(t, e).Directories {
		if d.ID == "ad-annexe" {
			got = d
		}
	}
	if got.Name != "annexe.local" || !slices.Equal(got.Entities, []org.FINESS{"010000081"}) {
		t.Fatalf("stored directory: %+v", got)
	}
	st := e.d1o1a()
	// Declared on 15/06/2025 without any audit since the phase started
	// (15/05/2024): the two-month cadence is already broken.
	if _, ok := st["010000081"]; ok || st["ad-annexe"] != care.NotMet {
		t.Errorf("D1.O1.A after the directory: EJ %q, directory %q; want no EJ result and not_met", st["010000081"], st["ad-annexe"])
	}
	if _, body := c.get("/dossiers/CVL-99?at=" + demoAt); !strings.Contains(body, "annexe.local") {
		t.Error("dossier page does not show the new directory")
	}
	trail, err := e.st.AuditTrail(t.Context(), 1)
	if err != nil || len(trail) != 1 || trail[0].By != "referent-ght" || trail[0].Action != "annuaire" {
		t.Errorf("audit trail: %+v %v", trail, err)
	}
	// Without CSRF nothing is stored.
	nocsrf := good()
	nocsrf.Del("csrf")
	nocsrf.Set("id", "ad-sans-jeton")
	if resp, _ := c.post(path, nocsrf); resp.StatusCode < 400 {
		t.Errorf("no CSRF token: %d", resp.StatusCode)
	}
}
