package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	generatedRe = regexp.MustCompile(`<code id="mot-de-passe">([^<]+)</code>`)
	tokenRe     = regexp.MustCompile(`<code id="jeton">(vigie_[^<]+)</code>`)
)

// TestAccountManagement walks the administrators' account page: create
// an account (generated password shown once), log in with it, reset its
// password, disable it (sessions and tokens gone, login refused and
// recorded), re-enable it; other roles are refused.
func TestAccountManagement(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	_, page := admin.get("/comptes")
	if !strings.Contains(page, `data-compte="rssi-valmont"`) || !strings.Contains(page, "établissement 010000016") && !strings.Contains(page, "010000016") {
		t.Fatalf("account list lacks the demo accounts:\n%.2000s", page)
	}
	csrf := csrfOf(t, page)
	// Bad input names the field.
	resp, body := admin.post("/comptes", url.Values{"csrf": {csrf}, "identifiant": {"x y"}, "role": {"etablissement"}, "perimetre": {"123"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#identifiant"`) || !strings.Contains(body, `href="#perimetre"`) {
		t.Errorf("bad account: %d\n%.1500s", resp.StatusCode, body)
	}
	resp, body = admin.post("/comptes", url.Values{"csrf": {csrf}, "identifiant": {"rssi-tilleuls"}, "role": {"etablissement"}, "perimetre": {"010000065"}})
	m := generatedRe.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, no generated password shown\n%.1500s", resp.StatusCode, body)
	}
	e.accounts["rssi-tilleuls"] = m[1]
	if resp, _ := admin.post("/comptes", url.Values{"csrf": {csrf}, "identifiant": {"rssi-tilleuls"}, "role": {"etablissement"}, "perimetre": {"010000065"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("duplicate login: %d, want 400", resp.StatusCode)
	}
	tilleuls := e.login("rssi-tilleuls")
	if _, home := tilleuls.get("/?at=" + demoAt); !strings.Contains(home, "CHS Les Tilleuls") {
		t.Error("new account's home does not show its establishment")
	}
	// Reset: the old password stops working and the session is closed.
	_, body = admin.post("/comptes/rssi-tilleuls/reinitialiser", url.Values{"csrf": {csrf}})
	m = generatedRe.FindStringSubmatch(body)
	if m == nil || m[1] == e.accounts["rssi-tilleuls"] {
		t.Fatalf("reset: no new password\n%.1500s", body)
	}
	if resp, _ := tilleuls.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session after a reset: %d, want a redirect to the login page", resp.StatusCode)
	}
	if resp, _ := e.anonymous().postLogin("rssi-tilleuls", e.accounts["rssi-tilleuls"]); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password after a reset: %d, want 401", resp.StatusCode)
	}
	e.accounts["rssi-tilleuls"] = m[1]
	tilleuls = e.login("rssi-tilleuls")
	// Disable: session gone, login refused (and recorded), then re-enable.
	if resp, _ := admin.post("/comptes/rssi-tilleuls/desactiver", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	if resp, _ := tilleuls.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session of a disabled account: %d", resp.StatusCode)
	}
	if resp, body := e.anonymous().postLogin("rssi-tilleuls", e.accounts["rssi-tilleuls"]); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "désactivé") {
		t.Errorf("login of a disabled account: %d, want 403 saying the account is disabled", resp.StatusCode)
	}
	_, trail := admin.get("/journal?action=connexion_echouee")
	if !strings.Contains(trail, "compte désactivé") || !strings.Contains(trail, "connexion échouée") {
		t.Errorf("failed login of a disabled account not in the trail:\n%.2000s", trail)
	}
	if resp, _ := admin.post("/comptes/rssi-tilleuls/reactiver", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", resp.StatusCode)
	}
	e.login("rssi-tilleuls")
	if resp, _ := admin.post("/comptes/admin/desactiver", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an administrator disables itself: %d, want 400", resp.StatusCode)
	}
	if resp, _ := admin.post("/comptes/personne/desactiver", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown account: %d, want 404", resp.StatusCode)
	}
	ght := e.login("referent-ght")
	_, gp := ght.get("/compte")
	for _, p := range []string{"/comptes"} {
		if resp, _ := ght.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GHT referent GET %s: %d, want 403", p, resp.StatusCode)
		}
	}
	if resp, _ := ght.post("/comptes/rssi-tilleuls/desactiver", url.Values{"csrf": {csrfOf(t, gp)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GHT referent disables an account: %d, want 403", resp.StatusCode)
	}
}

// TestOwnAccount changes a password and manages API tokens from « Mon compte ».
func TestOwnAccount(t *testing.T) {
	e := newEnv(t)
	c := e.login("ars-cvl")
	_, page := c.get("/compte")
	csrf := csrfOf(t, page)
	resp, body := c.post("/compte/mot-de-passe", url.Values{"csrf": {csrf}, "actuel": {"faux"}, "nouveau": {"court"}, "confirmation": {"autre"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "mot de passe actuel incorrect") ||
		!strings.Contains(body, "12 caractères") || !strings.Contains(body, "la confirmation") {
		t.Errorf("bad change: %d\n%.2000s", resp.StatusCode, body)
	}
	other := e.login("ars-cvl") // a second session, closed by the change
	const pw = "un nouveau mot de passe assez long"
	resp, _ = c.post("/compte/mot-de-passe", url.Values{"csrf": {csrf}, "actuel": {e.accounts["ars-cvl"]}, "nouveau": {pw}, "confirmation": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, page := c.get(resp.Header.Get("Location")); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Mot de passe changé") {
		t.Errorf("this browser's session after the change: %d", resp.StatusCode)
	}
	if resp, _ := other.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("other session after the change: %d, want closed", resp.StatusCode)
	}
	e.accounts["ars-cvl"] = pw
	c = e.login("ars-cvl")
	_, page = c.get("/compte")
	csrf = csrfOf(t, page)
	// A read-only role may still hold a token: the API is read-only.
	// Tokens expire: 90 days by default, 366 at most.
	if resp, body := c.post("/compte/jetons", url.Values{"csrf": {csrf}, "libelle": {"trop long"}, "validite": {"400"}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "entre 1 et 366") {
		t.Errorf("token valid 400 days: %d", resp.StatusCode)
	}
	_, body = c.post("/compte/jetons", url.Values{"csrf": {csrf}, "libelle": {"tableau régional"}, "validite": {"30"}})
	m := tokenRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("token not shown:\n%.2000s", body)
	}
	expiry := e.clock.Now().Add(30 * 24 * time.Hour).In(parisZone()).Format("02/01/2006")
	if !strings.Contains(body, "valable jusqu'au "+expiry) {
		t.Errorf("new token's expiry (%s) not shown:\n%.2000s", expiry, body)
	}
	if st, _ := e.api(m[1], "/api/v1/applicants"); st != http.StatusOK {
		t.Errorf("new token: %d", st)
	}
	_, page = c.get("/compte")
	if strings.Contains(page, m[1]) || !strings.Contains(page, "tableau régional") {
		t.Error("token shown again, or not listed")
	}
	if !strings.Contains(page, "Expire le") || !strings.Contains(page, expiry) {
		t.Error("token list lacks the expiry")
	}
	rev := regexp.MustCompile(`action="(/compte/jetons/\d+/revoquer)"`).FindStringSubmatch(page)
	if rev == nil {
		t.Fatal("no revoke button")
	}
	// Another account cannot revoke it.
	o := e.login("referent-ght")
	_, op := o.get("/compte")
	if resp, _ := o.post(rev[1], url.Values{"csrf": {csrfOf(t, op)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another account revokes the token: %d, want 404", resp.StatusCode)
	}
	if resp, _ := c.post(rev[1], url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if st, _ := e.api(m[1], "/api/v1/applicants"); st != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", st)
	}
	if resp, _ := c.post("/compte/jetons", url.Values{"csrf": {csrf}, "libelle": {""}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("token without a name: %d", resp.StatusCode)
	}
}

// TestTrailFiltersAndScope checks the trail's filters, its CSV export and
// the auditor's scope; failed logins are recorded.
func TestTrailFiltersAndScope(t *testing.T) {
	e := newEnv(t)
	if resp, _ := e.anonymous().postLogin("rssi-valmont", "mauvais mot de passe"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("bad login: %d", resp.StatusCode)
	}
	c := e.login("rssi-rivebelle")
	_, page := c.get("/entites/010000040/exercices/nouveau")
	if resp, _ := c.post("/entites/010000040/exercices", exerciseForm(csrfOf(t, page))); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("exercise not recorded")
	}
	admin := e.login("admin")
	_, all := admin.get("/journal")
	if !strings.Contains(rowOf(all, `data-action="connexion_echouee"`), "rssi-valmont") || !strings.Contains(all, "mot de passe incorrect") {
		t.Errorf("failed login missing from the trail")
	}
	_, ex := admin.get("/journal?qui=rssi-rivebelle&action=exercice&dossier=CVL-99&du=2020-01-01&au=2099-12-31")
	if !strings.Contains(ex, `data-action="exercice"`) || strings.Contains(ex, `data-action="import"`) {
		t.Errorf("filtered trail:\n%.2000s", ex)
	}
	if _, none := admin.get("/journal?dossier=750000010&action=exercice"); strings.Contains(none, `data-action="exercice"`) {
		t.Error("dossier filter lets another dossier's exercise through")
	}
	if resp, _ := admin.get("/journal?du=hier"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	resp, body := admin.get("/journal.csv?action=exercice")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("CSV: %d", resp.StatusCode)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "rssi-rivebelle" || rows[1][2] != "exercice de crise" || rows[1][4] != "CVL-99" {
		t.Errorf("CSV rows: %v, %v", rows, err)
	}
	// The GHT auditor reads its GHT's entries only, never failed logins
	// or other dossiers.
	aud := e.login("auditeur")
	_, ap := aud.get("/journal")
	if !strings.Contains(ap, `data-action="exercice"`) || strings.Contains(ap, `data-action="connexion_echouee"`) || strings.Contains(ap, ">750000010<") {
		t.Errorf("auditor's trail:\n%.3000s", ap)
	}
	_, ac := aud.get("/journal.csv")
	if strings.Contains(ac, "750000010") || strings.Contains(ac, "connexion échouée") {
		t.Error("auditor's CSV leaks entries outside its scope")
	}
	if _, other := aud.get("/journal?dossier=750000010"); strings.Contains(other, "<tbody><tr") {
		t.Error("auditor reads another dossier through the filter")
	}
	for _, who := range []string{"rssi-valmont", "referent-ght", "ars-cvl"} {
		if resp, _ := e.login(who).get("/journal.csv"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s exports the trail: %d, want 403", who, resp.StatusCode)
		}
	}
}

// TestTrailDetailsInFrench checks that the trail shows names, not codes.
func TestTrailDetailsInFrench(t *testing.T) {
	e := newEnv(t)
	s := e.server
	for _, c := range []struct{ action, detail, want string }{
		{"étape du dossier", "étape candidature_submitted du 2024-04-01, paiement de 1234.50 €", "étape « "},
		{"compte_creation", `rôle etablissement, périmètre "010000016"`, "rôle établissement, périmètre établissement 010000016"},
		{"compte_creation", `rôle auditeur, périmètre "ght:CVL-99"`, "rôle auditeur (lecture seule), périmètre GHT CVL-99"},
		{"piece_justificative", "cr.pdf (application/pdf, 12 octets) pour objectif:D1.O3", "cr.pdf (application/pdf, 12 octets) pour Objectif D1.O3"},
		{"exercice", "exercice du 2025-06-10, kit confirme, 1 participant(s), 2 action(s)", "exercice du 10/06/2025, kit confirmé, 1 participant, 2 actions"},
	} {
		got := s.detailFr(c.action, c.detail)
		if !strings.Contains(got, c.want) || strings.Contains(got, "candidature_submitted") || strings.Contains(got, "1234.50") {
			t.Errorf("detailFr(%s, %q) = %q, want %q", c.action, c.detail, got, c.want)
		}
	}
}
