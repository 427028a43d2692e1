package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/store"
)

// TestProvisionalLevelShown checks that a provisional AD level carries its
// caveat on every page that shows it — the AD report page, the audit
// lists, the chart, the dossier, the dashboards' grid, the current
// posture and the bundle's tables — and that D1.O1.B met only thanks to it
// is « atteint avec réserve », never green, while a provisional level
// below the requirement is a plain failure.
func TestProvisionalLevelShown(t *testing.T) {
	e := newKeyedEnvDemo(t)
	ctx := store.WithActor(context.Background(), "test")
	valmont, ght := e.login("rssi-valmont"), e.login("referent-ght")

	// The demo's second Vigie audit: level 2, the dormant accounts point (grade 1) not evaluated.
	_, page := valmont.get("/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2")
	for _, want := range []string{"Niveau ANSSI : 2 sur 5, provisoire", `id="niveau-provisoire"`, "niveau 2 (provisoire : 1 point non évalué)",
		"1 point de contrôle qui pourrait abaisser le niveau n'a pas pu être évalué (vuln_user_accounts_dormant)",
		"→ niveau 2 (provisoire : 1 point non évalué) aujourd'hui"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("AD report page lacks %q", want)
		}
	}
	// The first one is final (level 1: nothing can lower it).
	_, page = valmont.get("/dossiers/CVL-99/rapports/ad/vigie-demo-ad-1")
	if !strings.Contains(page, "Niveau ANSSI : 1 sur 5</h2>") || strings.Contains(page, `id="niveau-provisoire"`) {
		t.Errorf("final level shown as provisional:\n%.1500s", between(page, `<section class="verdict"`, "</section>"))
	}
	_, home := valmont.get("/?at=" + demoAt)
	if !strings.Contains(home, "niveau 2 (provisoire : 1 point non évalué), Vigie, indicatif") {
		t.Errorf("establishment home's latest audits lack the caveat:\n%s", between(home, "Mes derniers audits", "</section>"))
	}

	// An official ADS result at a provisional level 3 after a level 2: D1.O1.B is to be checked.
	a := care.ADAudit{Directory: "ad-rivebelle", Date: civil.MustParse("2025-06-12"), Level: 3, Source: care.SourceADS,
		Provisional: true, ProvisionalPoints: []string{"vuln_permissions_dpapi", "vuln_permissions_gmsa_keys", "vuln_rodc_priv_revealed", "vuln_user_accounts_dormant"}}
	if _, err := e.st.RecordADAudit(ctx, a, []byte(`{}`), nil, nil); err != nil {
		t.Fatal(err)
	}
	_, grid := ght.get("/?at=" + demoAt)
	cell := gridEntityCell(grid, "010000040", "D1.O1.B")
	if !strings.Contains(cell, "statut-avertissement") || strings.Contains(cell, "statut-met") ||
		!strings.Contains(html.UnescapeString(cell), "niveau 3 (provisoire : 4 points non évalués) aux deux derniers audits ADS (25/04/2025 et 12/06/2025) : à vérifier") {
		t.Errorf("GHT grid, Rivebelle D1.O1.B: %q", cell)
	}
	_, dossier := ght.get("/dossiers/CVL-99?at=" + demoAt)
	row := html.UnescapeString(rowOf(dossier, `<tr data-objectif="D1.O1.B" data-entite="ad-rivebelle">`))
	for _, want := range []string{"atteint avec réserve", "niveau 3 provisoire (4 points non évalués) sur l'audit du 12/06/2025 : à confirmer par un audit complet",
		"niveau 3 (provisoire : 4 points non évalués), source ADS"} {
		if !strings.Contains(row, want) {
			t.Errorf("dossier, D1.O1.B of rivebelle.local lacks %q:\n%s", want, row)
		}
	}
	if !strings.Contains(dossier, "niveau 3 (provisoire : 4 points non évalués), ADS") {
		t.Error("dossier's latest audits lack the caveat")
	}
	chart := between(dossier, `id="graphique-ad"`, "</svg>")
	if !strings.Contains(chart, `class="point officiel provisoire"`) || !strings.Contains(chart, `data-date="2025-06-12"`) ||
		!strings.Contains(chart, "pointillés : niveau provisoire") {
		t.Errorf("chart: no provisional marker\n%.3000s", chart)
	}

	// The bundle's table of AD audits says it in its own columns.
	_, zipped := ght.get("/dossiers/CVL-99/bundle.zip?at=" + demoAt)
	parts := zipParts(t, []byte(zipped))
	var adCSV []byte
	for name, b := range parts {
		if strings.HasSuffix(name, "audits-ad.csv") {
			adCSV = b
		}
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(adCSV, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("audits-ad.csv: %v %q", err, adCSV)
	}
	found := false
	for _, x := range rows[1:] {
		if x[1] == "ad-rivebelle" && x[3] == "12/06/2025" {
			found = x[4] == "3" && x[5] == "oui" && strings.Count(x[6], "vuln_") == 4 && x[7] == "niveau 3 (provisoire : 4 points non évalués)"
		} else if x[5] != "non" && x[1] != "ad-valmont" {
			t.Errorf("final level marked provisional: %q", x)
		}
	}
	if !found || rows[0][5] != "Niveau provisoire" {
		t.Errorf("audits-ad.csv: no provisional row\n%s", adCSV)
	}

	// A provisional level below the requirement is a plain failure.
	a.Date, a.Level, a.ProvisionalPoints = civil.MustParse("2025-06-14"), 1, []string{"vuln_user_accounts_dormant"}
	if _, err := e.st.RecordADAudit(ctx, a, []byte(`{}`), nil, nil); err != nil {
		t.Fatal(err)
	}
	_, grid = ght.get("/?at=" + demoAt)
	if cell := gridEntityCell(grid, "010000040", "D1.O1.B"); !strings.Contains(cell, "statut-not_met") ||
		!strings.Contains(html.UnescapeString(cell), "niveau 1 (provisoire : 1 point non évalué) au dernier audit ADS du 14/06/2025 (niveau 2 requis)") {
		t.Errorf("provisional level 1: %q", cell)
	}
	// The current posture of the closed wave keeps the caveat.
	_, closed := ght.get("/dossiers/CVL-99?at=01/09/2025")
	if p := between(closed, `id="situation-ad"`, "</table>"); !strings.Contains(p, "niveau 1 (provisoire : 1 point non évalué)") ||
		!strings.Contains(p, "niveau 2 (provisoire : 1 point non évalué)") {
		t.Errorf("current posture:\n%s", p)
	}
}

// gridEntityCell returns a grid cell's markup (entity row, objective column).
func gridEntityCell(page, entity, objective string) string {
	row := rowOf(page, `data-entite="`+entity+`"`)
	i := strings.Index(row, `<td data-label="`+objective+`"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(row[i:], "</td>")
	return row[i : i+end]
}
