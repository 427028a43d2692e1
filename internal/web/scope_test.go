package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestScopePages checks every role against pages in and out of its scope.
func TestScopePages(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		login string
		path  string
		want  int
	}{
		{"rssi-valmont", "/dossiers/CVL-99", 200},
		{"rssi-valmont", "/entites/010000016", 200},
		{"rssi-valmont", "/entites/010000024", 200}, // its EG
		{"rssi-valmont", "/entites/010000040", 404}, // another EJ of the same GHT
		{"rssi-valmont", "/entites/010000057", 404}, // that EJ's EG
		{"rssi-valmont", "/entites/750000010", 404}, // outside the GHT
		{"rssi-valmont", "/dossiers/750000010", 404},
		{"rssi-valmont", "/entites/010000040/exercices/nouveau", 404},
		{"rssi-clinique", "/dossiers/750000010", 200},
		{"rssi-clinique", "/dossiers/CVL-99", 404},
		{"referent-ght", "/dossiers/CVL-99", 200},
		{"referent-ght", "/entites/010000065", 200},
		{"referent-ght", "/entites/010000040/exercices/nouveau", 200},
		{"referent-ght", "/dossiers/750000010", 404},
		{"referent-ght", "/entites/750000028", 404},
		{"ars-cvl", "/dossiers/CVL-99", 200},
		{"ars-cvl", "/entites/010000057", 200},
		{"ars-cvl", "/dossiers/750000010", 404},
		{"ars-cvl", "/entites/010000040/exercices/nouveau", 403}, // read only
		{"ars-idf", "/dossiers/750000010", 200},
		{"ars-idf", "/dossiers/CVL-99", 404},
		{"auditeur", "/dossiers/CVL-99", 200},
		{"auditeur", "/entites/010000040/exercices/nouveau", 403},
		{"auditeur", "/dossiers/750000010", 404},
		{"admin", "/dossiers/750000010", 200},
		{"admin", "/entites/010000040/exercices/nouveau", 200},
		{"admin", "/dossiers/INCONNU", 404},
		{"admin", "/entites/123", 404},
		{"admin", "/entites/010000017", 404}, // bad check digit
		{"admin", "/nulle-part", 404},
	}
	clients := map[string]*client{}
	for _, tc := range cases {
		c, ok := clients[tc.login]
		if !ok {
			c = e.login(tc.login)
			clients[tc.login] = c
		}
		resp, body := c.get(tc.path)
		if resp.StatusCode != tc.want {
			t.Errorf("%s GET %s: %d, want %d", tc.login, tc.path, resp.StatusCode, tc.want)
		}
		if tc.want == 404 && !strings.Contains(body, "ne fait pas partie de votre périmètre") {
			t.Errorf("%s GET %s: no French explanation", tc.login, tc.path)
		}
	}
	// Writing out of scope or read-only changes nothing.
	before := len(e.exercises(t))
	for _, who := range []string{"rssi-valmont", "ars-cvl", "auditeur"} {
		c := clients[who]
		_, page := c.get("/")
		resp, _ := c.post("/entites/010000040/exercices", exerciseForm(csrfOf(t, page)))
		if resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("%s POST an exercise for CH de Rivebelle: %d, want 403/404", who, resp.StatusCode)
		}
	}
	if after := len(e.exercises(t)); after != before {
		t.Errorf("exercises: %d → %d after refused writes", before, after)
	}
}

// TestDashboardPartialView checks an establishment sees only its part of the GHT dossier.
func TestDashboardPartialView(t *testing.T) {
	e := newEnv(t)
	_, own := e.login("rssi-valmont").get("/dossiers/CVL-99?at=" + demoAt)
	_, full := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	for _, foreign := range []string{`data-entite="010000040"`, `data-entite="010000065"`, `data-entite="ad-rivebelle"`, "CHS Les Tilleuls"} {
		if strings.Contains(own, foreign) {
			t.Errorf("establishment dashboard shows %s", foreign)
		}
		if !strings.Contains(full, foreign) {
			t.Errorf("GHT referent dashboard lacks %s", foreign)
		}
	}
	for _, want := range []string{`data-entite="010000016"`, `data-entite="ad-valmont"`, "Vue limitée à votre établissement", "Échéances à venir"} {
		if !strings.Contains(own, want) {
			t.Errorf("establishment dashboard lacks %q", want)
		}
	}
	if !strings.Contains(full, `data-objectif="D1.O6.A"`) || strings.Contains(own, `data-objectif="D1.O6.A"`) {
		t.Error("GHT-level objectives: shown to the referent only")
	}
}

func TestHomeAndFilters(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin")
	_, all := c.get("/")
	if !strings.Contains(all, "/dossiers/CVL-99") || !strings.Contains(all, "/dossiers/750000010") {
		t.Fatalf("admin home lacks a dossier")
	}
	_, priv := c.get("/?categorie=prive_lucratif")
	if strings.Contains(priv, "/dossiers/CVL-99") || !strings.Contains(priv, "/dossiers/750000010") {
		t.Error("filter prive_lucratif")
	}
	_, ght := c.get("/?categorie=ght")
	if !strings.Contains(ght, "/dossiers/CVL-99") || strings.Contains(ght, "/dossiers/750000010") {
		t.Error("filter ght")
	}
	resp, body := c.get("/?categorie=n%27importe")
	if resp.StatusCode != 400 || !strings.Contains(body, "Catégorie inconnue") {
		t.Errorf("bad category: %d", resp.StatusCode)
	}
	_, ars := e.login("ars-cvl").get("/")
	if !strings.Contains(ars, "/dossiers/CVL-99") || strings.Contains(ars, "/dossiers/750000010") {
		t.Error("ARS home shows another region's dossier, or lacks its own")
	}
	// Without ?at= the dossier is evaluated today (the server's clock).
	if _, body := c.get("/dossiers/CVL-99"); !strings.Contains(body, "Évaluation au <strong>10/01/2026</strong>") {
		t.Error("default evaluation date is not today")
	}
	if _, body := c.get("/dossiers/CVL-99?at=" + demoAt); !strings.Contains(body, "Évaluation au <strong>15/06/2025</strong>") {
		t.Error("?at= ignored")
	}
	// A date typed as people write it (JJ/MM/AAAA) works too; links then
	// carry it as AAAA-MM-JJ.
	if _, body := c.get("/dossiers/CVL-99?at=15/06/2025"); !strings.Contains(body, "Évaluation au <strong>15/06/2025</strong>") ||
		!strings.Contains(body, "?at=2025-06-15") {
		t.Error("?at=JJ/MM/AAAA ignored")
	}
	if _, body := c.get("/journal?du=01/01/2020&au=31/12/2099"); strings.Contains(body, "invalide") {
		t.Error("trail period JJ/MM/AAAA refused")
	}
	resp, body = c.get("/dossiers/CVL-99?at=15-06-2025")
	if resp.StatusCode != 400 || !strings.Contains(body, "AAAA-MM-JJ") {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.anonymous().get("/connexion")
	for h, want := range map[string]string{"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s: %q", h, resp.Header.Get(h))
		}
	}
	resp, body := e.anonymous().get("/static/vigie.css")
	if resp.StatusCode != 200 || !strings.Contains(body, ":focus-visible") {
		t.Errorf("static CSS: %d", resp.StatusCode)
	}
}

func TestNormalizeScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		role  Role
		in    string
		want  string
		fails bool
	}{
		{RoleAdmin, "", "", false},
		{RoleAdmin, "CVL-99", "", true},
		{RoleGHT, "", "", true},
		{RoleEstablishment, "010000017", "", true},
		{RoleEstablishment, "01 000 001 6", "010000016", false},
		{RoleARS, "", "", true},
		{RoleAuditor, "CVL-99", "ght:CVL-99", false},
		{RoleAuditor, "010000016", "finess:010000016", false},
		{RoleAuditor, "Bretagne", "region:Bretagne", false},
		{RoleAuditor, "", "", false},
	}
	for _, tc := range cases {
		got, err := NormalizeScope(ctx, e.st, tc.role, tc.in)
		if (err != nil) != tc.fails || got != tc.want {
			t.Errorf("NormalizeScope(%s, %q) = %q, %v", tc.role, tc.in, got, err)
		}
	}
	if err := CreateUser(ctx, e.st, "bad login", RoleAdmin, "", "mot de passe long", "test", cheapArgon2); err == nil {
		t.Error("login with a space accepted")
	}
	if err := CreateUser(ctx, e.st, "x", RoleAdmin, "", "court", "test", cheapArgon2); err == nil {
		t.Error("short password accepted")
	}
	if _, err := IssueAPIToken(ctx, e.st, "personne", "", "test"); err == nil {
		t.Error("token for an unknown account")
	}
	_ = url.Values{}
	_ = http.StatusOK
}

func TestMethodNotAllowed(t *testing.T) {
	e := newEnv(t)
	resp, body := e.anonymous().do(http.MethodDelete, "/connexion", nil, nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(body, "non autorisée") || !strings.Contains(resp.Header.Get("Allow"), "POST") {
		t.Errorf("DELETE /connexion: %d %q %q", resp.StatusCode, body, resp.Header.Get("Allow"))
	}
	if resp, _ := e.anonymous().do(http.MethodPut, "/dossiers/CVL-99", nil, nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT /dossiers/CVL-99: %d", resp.StatusCode)
	}
}
