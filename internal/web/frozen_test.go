package web

import (
	"context"
	"html"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/store"
	"vigie/internal/testenv"
)

// TestClosedWaveDossierPage: after the declaration deadline, the dossier
// page says the dossier was never declared, gives the frozen verdicts'
// date and, apart, the current posture; a partial view's posture keeps
// its own directory and establishment, and only whether the shared SILENE
// audit found a critical vulnerability.
func TestClosedWaveDossierPage(t *testing.T) {
	e := newKeyedEnvDemo(t)
	_, whole := e.login("referent-ght").get("/dossiers/CVL-99?at=01/09/2025")
	whole = html.UnescapeString(whole)
	for _, want := range []string{`id="avis-dossier"`, "Dossier non déclaré", `id="verdicts-figes"`, "Verdicts figés au 30/06/2025",
		"date limite de déclaration", `id="situation-actuelle"`, "Situation actuelle au 01/09/2025", "rivebelle.local", "CHS Les Tilleuls"} {
		if !strings.Contains(whole, want) {
			t.Errorf("closed wave, whole view, lacks %q", want)
		}
	}
	if i, j := strings.Index(whole, `id="verdicts-figes"`), strings.Index(whole, `id="situation-actuelle"`); i < 0 || j < i {
		t.Error("the current posture is not apart, after the frozen verdicts")
	}
	situation := between(whole, `id="situation-exposition"`, "</table>")
	if !strings.Contains(rowOf(situation, "CH de Valmont"), ">0<") {
		t.Errorf("whole view: Valmont's critical count missing: %q", situation)
	}
	_, part := e.login("rssi-valmont").get("/dossiers/CVL-99?at=01/09/2025")
	part = html.UnescapeString(part)
	situation = between(part, `id="situation-actuelle"`, "</section>")
	if !strings.Contains(situation, "valmont.local") || strings.Contains(situation, "rivebelle.local") || strings.Contains(situation, "Rivebelle") ||
		!strings.Contains(situation, "audit commun") {
		t.Errorf("partial view's current posture:\n%s", situation)
	}
	// Before the deadline: no frozen verdict, no posture apart, the
	// dossier's next action.
	_, open := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	if strings.Contains(open, `id="verdicts-figes"`) || strings.Contains(open, `id="situation-actuelle"`) || !strings.Contains(open, `id="prochaine-action"`) {
		t.Error("open wave: frozen verdicts or posture shown, or no next action")
	}
	// The API's evaluation is cut down the same way.
	tok, err := IssueAPIToken(context.Background(), e.st, "rssi-valmont", "", "test")
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.api(tok, "/api/v1/applicants/CVL-99/evaluation?at=2025-09-01")
	if code != http.StatusOK {
		t.Fatalf("evaluation: %d", code)
	}
	cur, _ := body["current_posture"].(map[string]any)
	if cur == nil || len(cur["directories"].([]any)) != 1 || len(cur["exposure"].([]any)) != 1 {
		t.Fatalf("API posture of a partial view: %v", cur)
	}
	x := cur["exposure"].([]any)[0].(map[string]any)
	if x["critical"] != nil || x["no_critical"] != true {
		t.Errorf("API posture of the shared audit: %v", x)
	}
}

// TestWarningNeverGreen: under the lenient reading of the ADS cadence (a
// catalogue option), Rivebelle's directory meets D1.O1.A with a warning
// (an earlier gap): the dossier page and the GHT grid mark it « ! »,
// « atteint avec réserve », never the success mark or colour, and the
// dossier page lists the warning.
func TestWarningNeverGreen(t *testing.T) {
	c, err := care.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Wave("D1-2024")
	if err != nil {
		t.Fatal(err)
	}
	o, ok := w.Objective("D1.O1.A")
	if !ok {
		t.Fatal("no D1.O1.A")
	}
	o.Params.Reading = care.ReadingLastTwo
	e := newEvidenceEnvWith(t, store.Config{}, Config{Catalogue: c})
	ght := e.login("referent-ght")
	_, page := ght.get("/dossiers/CVL-99?at=" + demoAt)
	page = html.UnescapeString(page)
	row := rowOf(page, `<tr data-objectif="D1.O1.A" data-entite="ad-rivebelle">`)
	if !strings.Contains(row, "statut-avertissement") || !strings.Contains(row, `aria-hidden="true">!</span>`) ||
		!strings.Contains(row, "atteint avec réserve") || !strings.Contains(row, `class="avertissements"`) || strings.Contains(row, "✔") {
		t.Errorf("Rivebelle's D1.O1.A row:\n%s", row)
	}
	if sum := rowOf(page, `<tr id="synthese-D1.O1.A">`); strings.Contains(sum, "✔") {
		t.Errorf("D1.O1.A summary marked as a plain success: %s", sum)
	}
	_, grid := ght.get("/dossiers/CVL-99/grille?at=" + demoAt)
	cell := between(rowOf(grid, `<tr data-entite="010000040">`), `<td data-label="D1.O1.A"`, "</td>")
	if !strings.Contains(cell, "statut-avertissement") || !strings.Contains(cell, ">!<") || strings.Contains(cell, "✔") {
		t.Errorf("Rivebelle's D1.O1.A cell in the GHT grid: %q", cell)
	}
}

// TestClosedWaveStatusPDF: the status sheet of a closed wave gives the
// notice, the frozen verdicts' date and the current posture apart; a
// result met with a warning is written « atteint avec réserve ».
func TestClosedWaveStatusPDF(t *testing.T) {
	pdftotext := testenv.NeedCommand(t, "pdftotext")
	e := newKeyedEnvDemo(t)
	resp, data := e.login("rssi-valmont").get("/dossiers/CVL-99/fiche.pdf?at=01/09/2025")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fiche.pdf: %d", resp.StatusCode)
	}
	path := filepath.Join(t.TempDir(), "fiche.pdf")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Dossier non déclaré", "Verdicts figés au 30/06/2025", "Situation actuelle, hors vague",
		"annuaire valmont.local : niveau 2", "aucune vulnérabilité critique (audit commun"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "rivebelle.local") {
		t.Error("the partial view's PDF names another establishment's directory")
	}
	if c := statusCell(care.Met, true); c.Text != "atteint avec réserve" || c.Status == care.Met {
		t.Errorf("met with a warning: %+v", c)
	}
}

// TestLateObligation: Rivebelle's last crisis exercise lapsed on
// 05/10/2024; its next action is due at the declaration deadline (never a
// past date), and the pages say since when it is late.
func TestLateObligation(t *testing.T) {
	e := newKeyedEnvDemo(t)
	_, home := e.login("rssi-rivebelle").get("/?at=" + demoAt)
	row := rowOf(home, `<tr data-objectif="D1.O3" data-entite="010000040">`)
	if !strings.Contains(row, "en retard depuis le 05/10/2024") || !strings.Contains(row, `class="echu">30/06/2025`) {
		t.Errorf("establishment home, D1.O3:\n%s", row)
	}
	_, page := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	if row := rowOf(page, `<tr data-objectif="D1.O3" data-entite="010000040">`); !strings.Contains(row, "en retard depuis le 05/10/2024") {
		t.Errorf("dossier page, D1.O3 of Rivebelle:\n%s", row)
	}
	if !strings.Contains(page, "(en retard depuis le 05/10/2024)") {
		t.Error("the calendar does not say since when the exercise is late")
	}
}
