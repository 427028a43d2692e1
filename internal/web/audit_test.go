package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/store"
)

// newKeyedEnv is newEnv with an encryption key on the store (audits and
// connections are sealed) and a job engine whose workers run eng (nil: no
// job engine, launching is refused).
func newKeyedEnv(t *testing.T, eng *fakeEngines) (*env, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigie.db")
	st, err := store.Open(ctx, store.Config{DSN: "sqlite:" + path, Key: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	accs, err := SetupDemo(ctx, st, cheapArgon2)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, clock: &testClock{t: time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)}, accounts: map[string]string{}}
	for _, a := range accs {
		e.accounts[a.Login] = a.Password
	}
	if _, err := st.ImportFacts(ctx, privateFacts(t), "test"); err != nil {
		t.Fatal(err)
	}
	if err := CreateUser(ctx, st, "rssi-clinique", RoleEstablishment, "750000010", "clinique-mot-de-passe", "test", cheapArgon2); err != nil {
		t.Fatal(err)
	}
	e.accounts["rssi-clinique"] = "clinique-mot-de-passe"
	// The fake engines' perimeters are on loopback: allowed here, as a lab.
	cfg := Config{Store: st, Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil)), AllowPrivateTargets: true}
	if eng != nil {
		cfg.Jobs = openJobs(t, st, eng)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e.server = s
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	return e, path
}

// declarePerimeter records a perimeter for entity as by, approved by
// approver (none when empty); it fails the test on any refusal.
func (e *env) declarePerimeter(entity, text, by, approver string) {
	e.t.Helper()
	c := e.login(by)
	path := "/entites/" + entity + "/perimetre"
	_, page := c.get(path)
	if resp, body := c.post(path, url.Values{"csrf": {csrfOf(e.t, page)}, "perimetre": {text}}); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("record perimeter of %s: %d\n%s", entity, resp.StatusCode, body)
	}
	if approver == "" {
		return
	}
	a := e.login(approver)
	_, page = a.get(path)
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		e.t.Fatalf("no approval form for %s:\n%s", approver, page)
	}
	if resp, body := a.post(path+"/approbation", url.Values{"csrf": {csrfOf(e.t, page)}, "version": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("approve perimeter of %s: %d\n%s", entity, resp.StatusCode, body)
	}
}

// waitJob follows the job page's JSON state until the job ends.
func waitJob(t *testing.T, c *client, jobPath string) map[string]any {
	t.Helper()
	return waitJobState(t, c, jobPath, func(st map[string]any) bool { return st["finished"] == true })
}

// waitJobState follows the job page's JSON state until ok accepts it.
func waitJobState(t *testing.T, c *client, jobPath string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for range 600 {
		resp, body := c.get(jobPath + "/etat")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s/etat: %d %s", jobPath, resp.StatusCode, body)
		}
		var st map[string]any
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("job %s: awaited state never reached", jobPath)
	return nil
}

// jobState reads a job's JSON state once.
func jobState(t *testing.T, c *client, jobPath string) map[string]any {
	t.Helper()
	resp, body := c.get(jobPath + "/etat")
	var st map[string]any
	if err := json.Unmarshal([]byte(body), &st); resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("%s/etat: %d %v %s", jobPath, resp.StatusCode, err, body)
	}
	return st
}

// TestExposureAuditJob: only an entity with an approved perimeter can be
// picked, the engines receive that perimeter and the ports, the job shows
// their progress (to whoever sees the entity) and the audit is stored with
// the source vigie. The real engines are tested through « vigie serve »
// in package cli.
func TestExposureAuditJob(t *testing.T) {
	eng := &fakeEngines{release: make(chan struct{})}
	e, _ := newKeyedEnv(t, eng)
	c := e.login("referent-ght")
	launch := "/dossiers/CVL-99/audits/exposition"
	_, page := c.get(launch)
	tok := csrfOf(t, page)
	post := func(entity, ports string) (*http.Response, string) {
		return c.post(launch, url.Values{"csrf": {tok}, "entite": {entity}, "ports": {ports}, "perimetre": {"net 127.0.0.0/8"}})
	}
	if strings.Contains(page, `<option value="010000016"`) {
		t.Fatal("an entity without an approved perimeter is offered")
	}
	perimeter := "# CH de Valmont\nnet 127.0.0.0/30\n"
	port := "5900"
	e.declarePerimeter("010000016", perimeter, "rssi-valmont", "")
	if resp, _ := post("010000016", port); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("launch on a pending perimeter: %d, want 400", resp.StatusCode)
	}
	e.declarePerimeter("010000040", "net 127.0.0.8/30\n", "rssi-rivebelle", "referent-ght")
	e.declarePerimeter("010000016", perimeter+"exclude 127.0.0.3\n", "rssi-valmont", "referent-ght")
	_, page = c.get(launch)
	if !strings.Contains(page, `<option value="010000016"`) || strings.Contains(page, "perimetre") && strings.Contains(page, `name="perimetre"`) {
		t.Fatalf("launch form: want the approved entity and no perimeter field:\n%s", page)
	}

	for _, bad := range []struct{ entity, ports, want string }{
		{"", port, "choisissez l'établissement"},
		{"750000010", port, "choix « 750000010 » inconnu"},
		{"010000065", port, "choix « 010000065 » inconnu"},
		{"010000016", "80-", "80-"},
	} {
		resp, body := post(bad.entity, bad.ports)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.want) {
			t.Errorf("%+v: status %d, want 400 with %q:\n%s", bad, resp.StatusCode, bad.want, body)
		}
	}
	// Read-only and out-of-scope users cannot launch.
	ro := e.login("auditeur")
	_, p := ro.get("/dossiers/CVL-99")
	if resp, _ := ro.post(launch, url.Values{"csrf": {csrfOf(t, p)}, "entite": {"010000016"}, "ports": {port}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("read-only launch: %d, want 403", resp.StatusCode)
	}
	cl := e.login("rssi-clinique")
	if resp, _ := cl.get(launch); resp.StatusCode != http.StatusNotFound {
		t.Errorf("out-of-scope form: %d, want 404", resp.StatusCode)
	}
	if got, _ := eng.requests(); len(got) != 0 {
		t.Fatalf("refused forms reached the engines: %+v", got)
	}

	resp, _ := post("010000016", port+",8000-8001")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("launch: %d", resp.StatusCode)
	}
	jobPath := resp.Header.Get("Location")
	if !strings.HasPrefix(jobPath, "/dossiers/CVL-99/taches/") {
		t.Fatalf("redirect to %q", jobPath)
	}
	// One running exposure audit per entity: a second launch is refused.
	if resp, body := post("010000016", port); resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), "déjà en file ou en cours") {
		t.Errorf("second launch on the same entity: %d", resp.StatusCode)
	}
	// The job is seen by who sees the entity only.
	if resp, _ := cl.get(jobPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("job page out of scope: %d, want 404", resp.StatusCode)
	}
	rb := e.login("rssi-rivebelle")
	if resp, _ := rb.get(jobPath + "/etat"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("job of another establishment of the GHT: %d, want 404", resp.StatusCode)
	}
	if _, page := rb.get("/dossiers/CVL-99/audits"); strings.Contains(page, jobPath) {
		t.Error("audits page lists another establishment's job")
	}
	if resp, _ := e.login("rssi-valmont").get(jobPath); resp.StatusCode != http.StatusOK {
		t.Errorf("job page for the entity's establishment: %d", resp.StatusCode)
	}
	// The engine holds after its first report: the job shows it, with
	// its attempt and worker.
	st := waitJobState(t, c, jobPath, func(st map[string]any) bool { return st["progress"] == float64(40) })
	if st["state"] != "running" || st["state_fr"] != "en cours" || st["detail"] != "scan des ports : 45/100 tentatives, 1 port ouvert" ||
		fmt.Sprint(st["workers"]) != "[essai]" || st["attempt"] != float64(1) {
		t.Errorf("running job: %+v", st)
	}
	if resp, page := c.get(jobPath); resp.Header.Get("Refresh") != "2" || !strings.Contains(page, "Tentative 1 sur 3") ||
		!strings.Contains(page, "exécutant : essai") || !strings.Contains(page, "Annuler la tâche") ||
		!strings.Contains(page, `id="signe-de-vie">Dernier signe de vie de l'exécutant : `) {
		t.Errorf("running job page: Refresh %q\n%s", resp.Header.Get("Refresh"), excerpt(page, "<main", "</main>"))
	}
	// The read-only auditor sees the job, without the cancel button.
	if resp, page := e.login("auditeur").get(jobPath); resp.StatusCode != http.StatusOK || strings.Contains(page, "Annuler la tâche") {
		t.Errorf("job page for the auditor: %d", resp.StatusCode)
	}
	close(eng.release)
	st = waitJob(t, c, jobPath)
	if st["state"] != "completed" || st["audit_id"] == "" || st["created_by"] != "referent-ght" || st["complete"] != true {
		t.Fatalf("job: %+v", st)
	}
	reqs, _ := eng.requests()
	if len(reqs) != 1 || fmt.Sprint(reqs[0].Ports) != "[5900 8000 8001]" {
		t.Fatalf("engine requests: %+v", reqs)
	}
	rp := reqs[0].Perimeter
	if pre := rp.Prefixes(); len(pre) != 1 || pre[0].String() != "127.0.0.0/30" || len(rp.Excludes) != 1 || fmt.Sprint(rp.Entities) != "[010000016]" {
		t.Errorf("perimeter given to the engine: %v excluding %v for %v, want the approved version 2", pre, rp.Excludes, rp.Entities)
	}
	resp, page = c.get(jobPath)
	if resp.Header.Get("Refresh") != "" || !strings.Contains(page, "Audit terminé") || strings.Contains(page, "Annuler la tâche") {
		t.Errorf("finished job page (Refresh %q):\n%s", resp.Header.Get("Refresh"), page)
	}
	// The finished job's page links to the audit's report.
	if report := "/dossiers/CVL-99/rapports/exposition/" + st["audit_id"].(string); !strings.Contains(page, `href="`+report+`"`) {
		t.Errorf("finished job page does not link to %s", report)
	}
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	var got *care.ExposureAudit
	for i, a := range f.ExposureAudits {
		if a.ID == st["audit_id"] {
			got = &f.ExposureAudits[i]
		}
	}
	if got == nil || got.Source != care.SourceVigie || got.Date.String() != "2025-06-20" || len(got.Entities) != 1 || got.Entities[0] != "010000016" {
		t.Fatalf("stored audit: %+v", got)
	}
	if got.Counts == nil || got.Counts.Critical != 1 || !got.CompletePerimeter {
		t.Errorf("stored counts: %+v", got)
	}
	// The dashboard counts it only with « inclure les audits Vigie ».
	id := st["audit_id"].(string)
	if _, page := c.get("/dossiers/CVL-99"); strings.Contains(evidenceLists(page), id) {
		t.Errorf("Vigie audit %s used without the option", id)
	}
	if _, page := c.get("/dossiers/CVL-99?vigie=1"); !strings.Contains(evidenceLists(page), id) || !strings.Contains(page, `id="vigie" name="vigie" type="checkbox" value="1" checked`) {
		t.Errorf("Vigie audit %s absent with the option", id)
	}
	// The report the job page links to.
	report := "/dossiers/CVL-99/rapports/exposition/" + id
	if resp, rp := c.get(report); resp.StatusCode != http.StatusOK || !strings.Contains(rp, "Constats par gravité") || !strings.Contains(rp, "critique (1)") {
		t.Errorf("audit report page: %d\n%.2000s", resp.StatusCode, between(rp, "<main", "</main>"))
	}
	if _, page := c.get("/dossiers/CVL-99/audits"); !strings.Contains(page, jobPath) || !strings.Contains(page, "terminée") {
		t.Errorf("audits page lacks the job:\n%s", page)
	}
	// The job list: the dossier's jobs for who sees them, filtered by state.
	if _, page := c.get("/taches?etat=terminees&dossier=CVL-99"); !strings.Contains(page, jobPath) {
		t.Errorf("job list lacks the finished job:\n%s", excerpt(page, "<main", "</main>"))
	}
	if _, page := c.get("/taches?etat=actives"); strings.Contains(page, jobPath) {
		t.Error("finished job listed as active")
	}
	if _, page := rb.get("/taches"); strings.Contains(page, jobPath) {
		t.Error("job list shows another establishment's job")
	}
	if _, page := cl.get("/taches"); strings.Contains(page, jobPath) {
		t.Error("job list shows another dossier's job")
	}
	// Finished: the entity may be audited again.
	if resp, _ := post("010000016", port); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("launch after the end of the first: %d", resp.StatusCode)
	}
}

// TestADConnectionAndJob: the connection is sealed, the engines receive
// it decrypted, a failure and a success are recorded.
func TestADConnectionAndJob(t *testing.T) {
	eng := &fakeEngines{adErr: errors.New("connexion refusée par 127.0.0.1:1636")}
	e, dbPath := newKeyedEnv(t, eng)
	c := e.login("rssi-valmont")
	const secret = "Mdp-Collecte-Valmont-2026!"
	path := "/dossiers/CVL-99/annuaires/ad-valmont/connexion"
	_, page := c.get(path)
	tok := csrfOf(t, page)
	const port = 1636
	form := func(pw, tls, ca string) url.Values {
		return url.Values{"csrf": {tok}, "hote": {"127.0.0.1"}, "port": {fmt.Sprint(port)}, "tls": {tls},
			"compte": {"svc-vigie@valmont.local"}, "mot_de_passe": {pw}, "ca": {ca}}
	}
	for _, bad := range []struct {
		v    url.Values
		want string
	}{
		{form("", "ldaps", ""), "valeur obligatoire"},
		{form(secret, "ldap", ""), "choisissez LDAPS"},
		{form(secret, "ldaps", "pas un certificat"), "certificat illisible"},
	} {
		resp, body := c.post(path, bad.v)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, bad.want) {
			t.Errorf("%s: %d, want 400 with %q", bad.want, resp.StatusCode, bad.want)
		}
		if strings.Contains(body, secret) {
			t.Error("password sent back in the re-displayed form")
		}
	}
	// Another establishment's directory is out of scope.
	if resp, _ := c.get("/dossiers/CVL-99/annuaires/ad-rivebelle/connexion"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other directory: %d, want 404", resp.StatusCode)
	}
	// Only a declared domain controller may be reached; the establishment
	// does not declare them, the GHT referent does.
	if resp, body := c.post(path, form(secret, "starttls", "")); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(html.UnescapeString(body), "aucun contrôleur de domaine n'est déclaré") {
		t.Errorf("connection without declared controllers: %d", resp.StatusCode)
	}
	dcPath := "/dossiers/CVL-99/annuaires/ad-valmont/controleurs"
	if resp, _ := c.get(dcPath); resp.StatusCode != http.StatusForbidden {
		t.Errorf("establishment declares controllers: %d, want 403", resp.StatusCode)
	}
	ref := e.login("referent-ght")
	_, dcPage := ref.get(dcPath)
	declare := func(hosts string) {
		t.Helper()
		if resp, body := ref.post(dcPath, url.Values{"csrf": {csrfOf(t, dcPage)}, "controleurs": {hosts}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("declare %q: %d\n%s", hosts, resp.StatusCode, body)
		}
	}
	if resp, body := ref.post(dcPath, url.Values{"csrf": {csrfOf(t, dcPage)}, "controleurs": {"dc1.valmont.local\nhttp://x"}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(html.UnescapeString(body), "ni un nom DNS ni une adresse IP") {
		t.Errorf("bad controller: %d", resp.StatusCode)
	}
	declare("DC1.valmont.local.\n")
	if resp, body := c.post(path, form(secret, "starttls", "")); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(html.UnescapeString(body), "contrôleur non déclaré pour cet annuaire (déclarés : dc1.valmont.local)") {
		t.Errorf("connection to an undeclared controller: %d", resp.StatusCode)
	}
	declare("dc1.valmont.local\n127.0.0.1")
	if _, page := c.get("/dossiers/CVL-99/audits"); !strings.Contains(page, "127.0.0.1, dc1.valmont.local") {
		t.Error("audits page does not list the declared controllers")
	}
	resp, _ := c.post(path, form(secret, "starttls", ""))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	_, page = c.get("/dossiers/CVL-99/audits")
	if !strings.Contains(page, "enregistrée le") || strings.Contains(page, secret) {
		t.Errorf("audits page:\n%s", page)
	}
	if _, page := c.get(path); strings.Contains(page, secret) || strings.Contains(page, "svc-vigie") {
		t.Error("connection shown back")
	}
	// At rest: the raw row holds neither the password nor the account.
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var raw []byte
	if err := db.QueryRow(`SELECT sealed FROM web_ad_credentials WHERE directory = 'ad-valmont'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte("svc-vigie")) || len(raw) < len(secret) {
		t.Errorf("connection not sealed: %q", raw)
	}
	var trail string
	if err := db.QueryRow(`SELECT COALESCE(group_concat(detail || object, ' '), '') FROM audit_trail`).Scan(&trail); err == nil && strings.Contains(trail, secret) {
		t.Error("password in the audit trail")
	}

	// The DC is unreachable: the attempt fails with a French message, kept
	// with its attempt; River will try again, unless the job is cancelled.
	resp, _ = c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {tok}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("AD launch: %d", resp.StatusCode)
	}
	jobPath := resp.Header.Get("Location")
	st := waitJobState(t, c, jobPath, func(st map[string]any) bool { return len(st["errors"].([]any)) > 0 })
	first := st["errors"].([]any)[0].(map[string]any)
	if st["finished"] != false || first["attempt"] != float64(1) || first["error"] != "audit de l'annuaire ad-valmont : connexion refusée par 127.0.0.1:1636" {
		t.Errorf("AD job after a failed attempt: %+v", st)
	}
	if _, page := c.get(jobPath); !strings.Contains(page, "Erreurs des tentatives") || !strings.Contains(page, "connexion refusée par 127.0.0.1:1636") {
		t.Errorf("job page without the attempt's error:\n%s", excerpt(page, "<main", "</main>"))
	}
	// Another AD audit of the directory waits for this one to end.
	if resp, body := c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusTooManyRequests ||
		!strings.Contains(html.UnescapeString(body), "un audit de l'annuaire ad-valmont est déjà en file ou en cours") {
		t.Errorf("second AD launch: %d", resp.StatusCode)
	}
	// The auditor may not cancel it; the establishment may.
	au := e.login("auditeur")
	_, ap := au.get(jobPath)
	if resp, _ := au.post(jobPath+"/annulation", url.Values{"csrf": {csrfOf(t, ap)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cancel by the auditor: %d, want 403", resp.StatusCode)
	}
	if resp, _ := c.post(jobPath+"/annulation", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	st = waitJob(t, c, jobPath)
	if st["state"] != "cancelled" || st["state_fr"] != "annulée" || st["audit_id"] != "" {
		t.Errorf("cancelled AD job: %+v", st)
	}
	if _, page := c.get(jobPath); !strings.Contains(page, "Tâche annulée") {
		t.Errorf("cancelled job page:\n%s", excerpt(page, "<main", "</main>"))
	}
	var cancelled string
	if err := db.QueryRow(`SELECT COALESCE(group_concat(actor || ' ' || action, ' '), '') FROM audit_trail WHERE action = 'tache_annulee'`).Scan(&cancelled); err != nil ||
		cancelled != "rssi-valmont tache_annulee" {
		t.Errorf("trail of the cancellation: %q %v", cancelled, err)
	}
	want := store.ADConnection{Host: "127.0.0.1", Port: port, TLS: TLSStartTLS, User: "svc-vigie@valmont.local", Password: secret}
	_, conns := eng.requests()
	if len(conns) == 0 || conns[0] != want {
		t.Errorf("connection given to the engine: %+v, want %+v", conns, want)
	}
	attempts := len(conns)
	// The DC answers: the report is stored with the source vigie.
	eng.setAD(&ad.Report{Forest: "valmont.local", CollectedAt: fakeScanEnd, Level: 2,
		Findings: []ad.Finding{{ID: "vuln_spn_priv", Grade: 1}, {ID: "vuln_spn_priv", Grade: 1}}}, nil)
	resp, _ = c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {tok}})
	st = waitJob(t, c, resp.Header.Get("Location"))
	if st["state"] != "completed" || st["audit_id"] == "" {
		t.Fatalf("AD job: %+v", st)
	}
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	var got *care.ADAudit
	for i, a := range f.ADAudits {
		if a.ID == st["audit_id"] {
			got = &f.ADAudits[i]
		}
	}
	if got == nil || got.Source != care.SourceVigie || got.Directory != "ad-valmont" || got.Level != 2 ||
		got.Date.String() != "2025-06-20" || fmt.Sprint(got.FailedChecks) != "[vuln_spn_priv]" {
		t.Errorf("stored AD audit: %+v", got)
	}
	// A controller withdrawn after the connection was saved is no longer reached.
	declare("dc1.valmont.local")
	if resp, body := c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(html.UnescapeString(body), "le contrôleur 127.0.0.1 n'est pas déclaré") {
		t.Errorf("launch towards a withdrawn controller: %d", resp.StatusCode)
	}
	if _, conns := eng.requests(); len(conns) != attempts+1 {
		t.Errorf("engine reached %d time(s), want %d", len(conns), attempts+1)
	}
	// Without a stored connection, launching is refused in French.
	rb := e.login("rssi-rivebelle")
	_, p := rb.get("/dossiers/CVL-99/audits")
	if resp, body := rb.post("/dossiers/CVL-99/annuaires/ad-rivebelle/audit", url.Values{"csrf": {csrfOf(t, p)}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "Aucune connexion n&#39;est enregistrée") {
		t.Errorf("launch without connection: %d\n%s", resp.StatusCode, body)
	}
}

// TestNoEngines: a server built without engines refuses to launch audits.
func TestNoEngines(t *testing.T) {
	e, _ := newKeyedEnv(t, nil)
	c := e.login("rssi-valmont")
	for _, path := range []string{"/dossiers/CVL-99/audits/exposition", "/dossiers/CVL-99/annuaires/ad-valmont/connexion"} {
		resp, body := c.get(path)
		if path == "/dossiers/CVL-99/audits/exposition" && (resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "pas disponibles")) {
			t.Errorf("%s: %d, want 503", path, resp.StatusCode)
		}
		if path != "/dossiers/CVL-99/audits/exposition" && resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d, want 200 (a connection can be stored without engines)", path, resp.StatusCode)
		}
	}
	_, page := c.get("/dossiers/CVL-99/audits")
	if resp, _ := c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {csrfOf(t, page)}}); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("AD launch without engines: %d, want 503", resp.StatusCode)
	}
}

func TestGovernanceForm(t *testing.T) {
	e, _ := newKeyedEnv(t, nil)
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/gouvernance")
	tok := csrfOf(t, page)
	form := func(kv ...string) url.Values {
		v := url.Values{"csrf": {tok}, "referent": {"Mme Martin, RSSI du GHT"}, "equipe_unique": {"oui"}, "gouvernance_ght": {"oui"},
			"date_convergence": {"2025-06-03"}, "deja_converge": {"non"}, "description": {""}, "date_declaration": {"2025-06-10"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, bad := range []struct {
		v    url.Values
		want string
	}{
		{form("referent", ""), "indiquez le référent projet"},
		{form("equipe_unique", "peut-être"), "oui ou non attendu"},
		{form("date_convergence", "2027-01-01"), "date dans le futur"},
		{form("date_convergence", "03-11-2025"), "n'est pas une date valide"},
		{form("deja_converge", "oui"), "décrivez l'annuaire convergé"},
	} {
		resp, body := c.post("/dossiers/CVL-99/gouvernance", bad.v)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.want) {
			t.Errorf("%s: %d", bad.want, resp.StatusCode)
		}
	}
	if resp, _ := e.login("rssi-valmont").get("/dossiers/CVL-99/gouvernance"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("establishment user on GHT governance: %d, want 403", resp.StatusCode)
	}
	resp, _ := c.post("/dossiers/CVL-99/gouvernance", form())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	f, err := e.st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	g := f.Governance
	if g == nil || g.Referent != "Mme Martin, RSSI du GHT" || g.SingleADTeam == nil || !*g.SingleADTeam || g.ConvergenceValidatedOn.String() != "2025-06-03" {
		t.Fatalf("stored governance: %+v", g)
	}
	ev, err := care.Evaluate(&f, civil.Of(e.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ev.Results {
		if (r.Objective == "D1.O6.A" || r.Objective == "D1.O6.B") && r.Status != care.Met {
			t.Errorf("%s: %s (%s)", r.Objective, r.Status, r.Reason)
		}
	}
	if _, page := c.get("/dossiers/CVL-99/gouvernance"); !strings.Contains(page, `value="Mme Martin, RSSI du GHT"`) {
		t.Error("form not filled with the stored declaration")
	}
}

// TestJobsOutliveServer: the audits belong to the job engine, not to the
// web server: closing the server leaves a queued job queued, and a server
// without local workers (« vigie serve --workers 0 ») queues and shows it
// while another engine, as a « vigie worker », runs it.
func TestJobsOutliveServer(t *testing.T) {
	eng := &fakeEngines{}
	e, _ := newKeyedEnv(t, nil)
	ctx := context.Background()
	queueOnly := openJobs(t, e.st, nil)
	s, err := New(Config{Store: e.st, Jobs: queueOnly, AllowPrivateTargets: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	e.srv = srv
	e.declarePerimeter("010000016", "net 127.0.0.4/30\n", "rssi-valmont", "referent-ght")
	c := e.login("rssi-valmont")
	_, page := c.get("/dossiers/CVL-99/audits/exposition")
	resp, body := c.post("/dossiers/CVL-99/audits/exposition", url.Values{"csrf": {csrfOf(t, page)}, "entite": {"010000016"}, "ports": {"443"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("launch: %d\n%s", resp.StatusCode, body)
	}
	jobPath := resp.Header.Get("Location")
	s.Close()
	if st := jobState(t, c, jobPath); st["state"] != "available" || st["state_fr"] != "en attente" {
		t.Fatalf("queued job without workers: %+v", st)
	}
	if _, page := c.get(jobPath); !strings.Contains(page, "En attente d'un exécutant disponible") {
		t.Errorf("queued job page:\n%s", excerpt(page, "<main", "</main>"))
	}
	openJobs(t, e.st, eng) // a worker starts
	st := waitJob(t, c, jobPath)
	if st["state"] != "completed" || st["audit_id"] == "" {
		t.Fatalf("job run by the worker: %+v", st)
	}
	f, err := e.st.LoadFacts(ctx, "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range f.ExposureAudits {
		if a.ID == st["audit_id"] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("audit %v stored %d time(s)", st["audit_id"], n)
	}
}

// evidenceLists returns the evidence lists of a dashboard's results (the
// records the evaluation used), concatenated.
func evidenceLists(page string) string {
	var b strings.Builder
	for _, part := range strings.Split(page, `<ul class="preuves"`)[1:] {
		end, _, _ := strings.Cut(part, "</ul>")
		b.WriteString(end)
	}
	return b.String()
}
