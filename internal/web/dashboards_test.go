package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// TestRoleDashboards checks each role's home: the national and regional
// grids (filters, counts, drill-down), the GHT entity grid and the
// establishment's own objectives and audits.
func TestRoleDashboards(t *testing.T) {
	e := newKeyedEnvDemo(t)
	admin := e.login("admin")
	_, home := admin.get("/?at=" + demoAt)
	for _, want := range []string{"Pilotage national", `data-dossier="CVL-99"`, `data-dossier="750000010"`, `id="synthese-objectifs"`,
		`href="/pilotage.csv?at=` + demoAt + `"`, `href="/dossiers/CVL-99?at=` + demoAt + `#obj-D1.O3"`, "Administration"} {
		if !strings.Contains(home, want) {
			t.Errorf("admin home lacks %q", want)
		}
	}
	// The GHT's D1.O3 cell: one establishment of three has not met it.
	if cell := cellOf(home, "CVL-99", "D1.O3"); !strings.Contains(cell, "non atteint") || !strings.Contains(cell, "1/3") {
		t.Errorf("D1.O3 cell of CVL-99: %q", cell)
	}
	// Filters: by bucket, status of an objective, overdue, region.
	for q, want := range map[string][2]bool{ // [CVL-99 shown, clinic shown]
		"categorie=prive_lucratif":                   {false, true},
		"categorie=ght":                              {true, false},
		"region=%C3%8Ele-de-France":                  {false, true},
		"objectif=D1.O6.A&statut=atteint":            {true, false},
		"objectif=D1.O1.A&statut=donnees-manquantes": {false, true},
		"retard=1":             {true, true},
		"departement=75":       {false, true},
		"tri=D1.O3&ordre=desc": {true, true},
		"objectif=D1.O3&statut=non-atteint&retard=1":     {true, false},
		"objectif=D1.O2.A&statut=non-applicable&retard=": {false, false},
	} {
		_, p := admin.get("/?at=" + demoAt + "&" + q)
		got := [2]bool{strings.Contains(p, `data-dossier="CVL-99"`), strings.Contains(p, `data-dossier="750000010"`)}
		if got != want {
			t.Errorf("filter %s: shows (CVL-99, clinic) = %v, want %v", q, got, want)
		}
	}
	for _, bad := range []string{"categorie=n%27importe", "statut=ok", "objectif=D9", "tri=prix", "page=0", "departement=%3Cscript%3E"} {
		if resp, _ := admin.get("/?" + bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("filter %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	// Counts per objective over the rows kept.
	if row := rowOf(home, `<tr data-objectif="D1.O3">`); !regexp.MustCompile(`Dossiers concernés">2<`).MatchString(row) {
		t.Errorf("D1.O3 counts: %q", row)
	}
	// Exports of the grid.
	resp, body := admin.get("/pilotage.csv?at=" + demoAt + "&categorie=ght")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("grid CSV: %d", resp.StatusCode)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "CVL-99" || rows[1][3] != "Centre-Val de Loire" {
		t.Errorf("grid CSV: %v, %v", rows, err)
	}
	resp, body = admin.get("/pilotage.xlsx?at=" + demoAt)
	x, err := excelize.OpenReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("grid XLSX: %d, %v", resp.StatusCode, err)
	}
	sheet := x.GetSheetName(0)
	if n, _ := x.GetCellValue(sheet, "G2", excelize.Options{RawCellValue: true}); n == "" || strings.ContainsAny(n, "abc") {
		t.Errorf("entities count cell %q, want a number", n)
	}
	x.Close()

	// ARS: its region only; the export too.
	ars := e.login("ars-cvl")
	_, ah := ars.get("/?at=" + demoAt)
	if !strings.Contains(ah, "Pilotage de la région Centre-Val de Loire") || !strings.Contains(ah, `data-dossier="CVL-99"`) || strings.Contains(ah, `data-dossier="750000010"`) {
		t.Error("ARS home: wrong dossiers")
	}
	if _, ac := ars.get("/pilotage.csv?region=%C3%8Ele-de-France"); strings.Contains(ac, "750000010") {
		t.Error("ARS export leaks another region's dossier")
	}
	if _, ac := ars.get("/pilotage.csv"); !strings.Contains(ac, "CVL-99") {
		t.Error("ARS export lacks its dossier")
	}
	// GHT referent: entity grid, sortable, with overdue counts.
	ght := e.login("referent-ght")
	_, gh := ght.get("/?at=" + demoAt)
	for _, want := range []string{"Pilotage du GHT CVL-99", `data-entite="010000016"`, `data-entite="010000073"`, `data-entite="CVL-99"`, "1 action en retard"} {
		if !strings.Contains(gh, want) {
			t.Errorf("GHT home lacks %q", want)
		}
	}
	if resp, _ := ght.get("/pilotage.csv"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GHT referent exports the national grid: %d", resp.StatusCode)
	}
	_, sorted := ght.get("/?at=" + demoAt + "&tri=retard")
	if i, j := strings.Index(sorted, `data-entite="010000040"`), strings.Index(sorted, `data-entite="010000016"`); i < 0 || j < 0 || i > j {
		t.Error("sorting by overdue actions does not put CH de Rivebelle first")
	}
	if !strings.Contains(sorted, `aria-sort="ascending"><a href="?ordre=desc&amp;tri=retard`) && !strings.Contains(sorted, `aria-sort="ascending"`) {
		t.Error("sorted column not marked")
	}
	// Establishment: its objectives and its audits, with links to the pages.
	est := e.login("rssi-valmont")
	_, eh := est.get("/?at=" + demoAt)
	for _, want := range []string{"CH de Valmont", `data-objectif="D1.O3" data-entite="010000016"`, "Mes derniers audits",
		"/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2?at=" + demoAt, "/dossiers/CVL-99/rapports/exposition/vigie-demo-exposition-2?at=" + demoAt} {
		if !strings.Contains(eh, want) {
			t.Errorf("establishment home lacks %q", want)
		}
	}
	if strings.Contains(eh, `data-entite="010000040"`) {
		t.Error("establishment home shows another establishment")
	}
}

// cellOf returns a grid cell's markup (dossier row, objective column).
func cellOf(page, dossier, objective string) string {
	row := rowOf(page, `<tr data-dossier="`+dossier+`">`)
	i := strings.Index(row, `<td data-label="`+objective+`"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(row[i:], "</td>")
	return row[i : i+end]
}

// TestNationalGridFollowsWrites checks that the national grid reflects a
// write on the next request, and that a write to one dossier leaves the
// other dossiers' rows as they were (per-dossier versions).
func TestNationalGridFollowsWrites(t *testing.T) {
	e := newKeyedEnvDemo(t)
	admin := e.login("admin")
	_, before := admin.get("/?at=" + demoAt + "&categorie=prive_lucratif")
	if c := cellOf(before, "750000010", "D1.O4"); c == "" || strings.Contains(c, `title="D1.O4 : atteint"`) {
		t.Fatalf("clinic's D1.O4 before: %q", cellOf(before, "750000010", "D1.O4"))
	}
	s := e.server
	ghtRow := func() *gridRow {
		s.national.mu.Lock()
		defer s.national.mu.Unlock()
		for _, g := range s.national.grids {
			return g.rows["CVL-99"]
		}
		return nil
	}
	rowBefore := ghtRow()
	if rowBefore == nil {
		t.Fatal("no grid row for CVL-99")
	}
	clinic := e.login("rssi-clinique")
	_, form := clinic.get("/entites/750000028/osis")
	v := url.Values{"csrf": {csrfOf(t, form)}, "annee": {"2025"}, "part_budget": {"oui"}, "date_declaration": {demoAt}}
	for i := 1; i <= 43; i++ {
		v.Set("mesure_"+mp(i), "oui")
	}
	if resp, body := clinic.post("/entites/750000028/osis", v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("oSIS: %d\n%.2000s", resp.StatusCode, body)
	}
	_, after := admin.get("/?at=" + demoAt + "&categorie=prive_lucratif")
	if !strings.Contains(cellOf(after, "750000010", "D1.O4"), `title="D1.O4 : atteint"`) {
		t.Errorf("clinic's D1.O4 after the oSIS declaration: %q", cellOf(after, "750000010", "D1.O4"))
	}
	_, _ = admin.get("/?at=" + demoAt)
	if ghtRow() != rowBefore {
		t.Error("the GHT's row was rebuilt after a write to another dossier")
	}
}

// mp is an oSIS measure ID (MP01 … MP43).
func mp(i int) string { return fmt.Sprintf("MP%02d", i) }

// TestAuditPages checks the AD and exposure audit pages: the full Vigie
// reports of the demo, an official ADS summary, comparisons, the pair
// check, and the scope.
func TestAuditPages(t *testing.T) {
	e := newKeyedEnvDemo(t)
	c := e.login("rssi-valmont")
	_, ad := c.get("/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2")
	for _, want := range []string{"Niveau ANSSI : 2 sur 5", "Niveau provisoire", "vuln_privileged_members_password", "adm-dupont",
		"Appliquer aux comptes privilégiés une politique", "Risques acceptés", "Renouvellement planifié", "Points non évalués",
		"lastLogonTimestamp", "Comparaison par objet", "svc-sauvegarde"} {
		if !strings.Contains(ad, want) {
			t.Errorf("AD audit page lacks %q", want)
		}
	}
	fixed := between(ad, `id="corriges"`, "</section>")
	if !strings.Contains(fixed, "vuln_spn_priv") || strings.Contains(between(ad, `id="nouveaux"`, "</section>"), "vuln_") {
		t.Errorf("comparison: fixed %q", fixed)
	}
	// The warnings are compared apart: one gone, one raised since.
	if gone, raised := between(ad, `id="avert-disparus"`, "</section>"), between(ad, `id="avert-nouveaux"`, "</section>"); !strings.Contains(gone, "warning_admincount") ||
		!strings.Contains(gone, "ancien-admin") || !strings.Contains(raised, "warning_rid500") || strings.Contains(raised, "warning_admincount") ||
		strings.Contains(between(ad, `id="nouveaux"`, "</section>"), "warning_") {
		t.Errorf("warnings comparison: gone %q, raised %q", gone, raised)
	}
	// An official ADS result: summary only, points from the catalogue.
	_, ads := c.get("/dossiers/CVL-99/rapports/ad/ad-valmont:2025-03-31")
	if !strings.Contains(ads, "Résultat officiel") || !strings.Contains(ads, "Comparaison par point de contrôle") {
		t.Errorf("ADS result page:\n%.3000s", ads)
	}
	_, ex := c.get("/dossiers/CVL-99/rapports/exposition/vigie-demo-exposition-2")
	for _, want := range []string{"Constats par gravité", "TLS 1.0 accepté", "198.51.100.2", "nginx 1.22.1", "Paire non conforme",
		"12/04/2025", "50 jours avant", "Bureau à distance (RDP) exposé sur internet"} {
		if !strings.Contains(ex, want) {
			t.Errorf("exposure audit page lacks %q", want)
		}
	}
	if !strings.Contains(between(ex, `id="corriges"`, "</section>"), "RDP") {
		t.Error("the fixed RDP exposure is not in the comparison")
	}
	// A SILENE audit: counts only, compared by counts, pair check on the
	// summaries — for the GHT referent, who sees its three establishments.
	_, sil := e.login("referent-ght").get("/dossiers/CVL-99/rapports/exposition/silene-2025-06")
	if !strings.Contains(sil, `id="compteurs"`) || !strings.Contains(sil, "Paire conforme") || !strings.Contains(sil, "CH de Rivebelle") {
		t.Errorf("SILENE audit page:\n%.3000s", between(sil, "<main", "</main>"))
	}
	// The audit is shared with establishments Valmont's CISO does not see:
	// his own establishment only, no figures, the pair check on whether
	// each audit found a critical vulnerability.
	_, sil = c.get("/dossiers/CVL-99/rapports/exposition/silene-2025-06")
	sil = html.UnescapeString(sil)
	if strings.Contains(sil, `id="compteurs"`) || strings.Contains(sil, "Rivebelle") || strings.Contains(sil, "010000040") ||
		!strings.Contains(sil, sharedFigures) || !strings.Contains(sil, "Paire conforme") || !strings.Contains(sil, "Aucune vulnérabilité critique") {
		t.Errorf("shared SILENE audit in a partial view:\n%.3000s", between(sil, "<main", "</main>"))
	}
	// Scope: another establishment does not see Valmont's directory.
	riv := e.login("rssi-rivebelle")
	for _, p := range []string{"/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2", "/dossiers/CVL-99/rapports/exposition/vigie-demo-exposition-2",
		"/dossiers/CVL-99/rapports/ad/inconnu"} {
		if resp, _ := riv.get(p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("CH de Rivebelle GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := e.login("rssi-clinique").get("/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2"); resp.StatusCode != http.StatusNotFound {
		t.Error("another dossier's user reads the AD audit")
	}
}

// between returns the text of page between two markers.
func between(page, from, to string) string {
	i := strings.Index(page, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], to)
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// TestEvidenceLabels checks that a file attached to one entity's
// objective is listed with that entity, and that each objective is
// offered once per entity it applies to.
func TestEvidenceLabels(t *testing.T) {
	e := newEvidenceEnv(t)
	ght := e.login("referent-ght")
	_, page := ght.get("/dossiers/CVL-99/preuves?at=" + demoAt)
	if n := strings.Count(page, `value="objectif:D1.O3@010000040"`); n != 1 {
		t.Errorf("D1.O3 for CH de Rivebelle offered %d times, want once", n)
	}
	if strings.Contains(page, `value="objectif:D1.O3@010000024"`) {
		t.Error("D1.O3 offered for a public EG it does not apply to")
	}
	if !strings.Contains(page, `value="objectif:D1.O1.A@010000016"`) {
		t.Error("D1.O1.A not offered for the entity its directory serves")
	}
	resp, _ := ght.uploadEvidence("CVL-99", csrfOf(t, page), "objectif:D1.O3@010000040", "retex.txt", []byte("RETEX Rivebelle\n"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, list := ght.get("/dossiers/CVL-99/preuves")
	row := rowOf(list, "retex.txt")
	if !strings.Contains(row, "CH de Rivebelle") || strings.Contains(row, "Valmont") || strings.Contains(row, "Tilleuls") {
		t.Errorf("evidence row: %q", row)
	}
}

// newKeyedEnvDemo is a keyed environment (the demo's full reports are
// stored) whose test also reaches the server.
func newKeyedEnvDemo(t *testing.T) *env {
	t.Helper()
	e, _ := newKeyedEnv(t, nil)
	if e.server == nil {
		t.Fatal("server not kept by the environment")
	}
	return e
}

// TestGridScale builds the grid of a few hundred generated dossiers and
// checks pagination and counts over all pages.
func TestGridScale(t *testing.T) {
	e := newKeyedEnvDemo(t)
	ctx := context.Background()
	n := 0
	for i := range 250 {
		ej := finessOf(t, "45", 900000+i)
		f := care.Facts{Wave: "D1-2024", Entities: []org.Entity{{FINESS: ej, Kind: org.EJ, Name: "Clinique générée", LegalStatus: "72",
			Category: org.ForProfit, Region: "Centre-Val de Loire"}},
			Exercises: []care.Exercise{{Entity: ej, Date: civil.MustParse("2025-01-10"), Kit: "debutant"}}}
		if _, err := e.st.ImportFacts(ctx, f, "test"); err != nil {
			t.Fatal(err)
		}
		n++
	}
	_, p1 := e.login("ars-cvl").get("/?at=" + demoAt)
	if got := strings.Count(p1, `<tr data-dossier=`); got != gridPageSize {
		t.Errorf("page 1: %d rows, want %d", got, gridPageSize)
	}
	if !strings.Contains(p1, "page 1 sur 3") || !strings.Contains(p1, "251 dossiers") {
		t.Errorf("pagination text missing:\n%.500s", between(p1, "<main", "</table>"))
	}
	_, p3 := e.login("ars-cvl").get("/?at=" + demoAt + "&page=3")
	if got := strings.Count(p3, `<tr data-dossier=`); got != n+1-2*gridPageSize {
		t.Errorf("page 3: %d rows", got)
	}
	if _, csvBody := e.login("ars-cvl").get("/pilotage.csv?at=" + demoAt); strings.Count(csvBody, "\n") != n+2 {
		t.Errorf("export: %d lines, want every dossier", strings.Count(csvBody, "\n"))
	}
}

// finessOf makes a valid fictional FINESS number.
func finessOf(t *testing.T, dep string, serial int) org.FINESS {
	t.Helper()
	body := fmt.Sprintf("%s%06d", dep, serial)
	k, err := org.LuhnKey(body)
	if err != nil {
		t.Fatal(err)
	}
	return org.FINESS(body + string(k))
}
