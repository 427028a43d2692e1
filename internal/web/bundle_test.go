package web

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"vigie/internal/care"
	"vigie/internal/civil"
)

func TestDossierShowsCharts(t *testing.T) {
	e := newEvidenceEnv(t)
	_, page := e.login("referent-ght").get("/dossiers/CVL-99?at=" + demoAt)
	for _, id := range []string{"graphique-ad", "graphique-exposition", "graphique-exercices"} {
		if !strings.Contains(page, `<svg xmlns="http://www.w3.org/2000/svg" class="graphique" id="`+id+`"`) {
			t.Errorf("chart %s missing from the dashboard", id)
		}
	}
	if n := strings.Count(page, `<div class="visuellement-cache"><table>`); n != 3 {
		t.Errorf("%d hidden data tables, want 3", n)
	}
	if !strings.Contains(page, `href="/dossiers/CVL-99/bundle.zip"`) {
		t.Error("no link to the declaration bundle")
	}
}

// zipParts reads a zip archive into name → content.
func zipParts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("bundle is not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestDeclarationBundle(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/preuves")
	retex := []byte("RETEX de l'exercice : bascule en mode dégradé, plan d'action en 12 points.\n")
	if resp, body := c.uploadEvidence("CVL-99", csrfOf(t, page), "objectif:D1.O3@", "retex.txt", retex); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
	}
	resp, body := c.get("/dossiers/CVL-99/bundle.zip?at=" + demoAt)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("bundle: %d, %v", resp.StatusCode, resp.Header)
	}
	parts := zipParts(t, []byte(body))
	for _, name := range []string{"fiche.pdf", "donnees.csv", "donnees.xlsx"} {
		if len(parts[name]) == 0 {
			t.Errorf("part %s missing", name)
		}
	}
	var evidence []byte
	for name, b := range parts {
		if strings.HasPrefix(name, "preuves/") && strings.HasSuffix(name, "-retex.txt") {
			evidence = b
		}
	}
	if !bytes.Equal(evidence, retex) {
		t.Errorf("evidence file in the bundle: %q", evidence)
	}
	if !bytes.HasPrefix(parts["fiche.pdf"], []byte("%PDF")) {
		t.Error("fiche.pdf is not a PDF")
	}

	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(parts["donnees.csv"], []byte("\ufeff"))))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	f, err := e.st.LoadFacts(t.Context(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, row := range rows {
		count[row[0]]++
	}
	// One line per record, named by its sheet; header lines start with "Feuille".
	if count["Exercices de crise"] != len(f.Exercises) || count["Établissements"] != len(f.Entities) ||
		count["Audits AD"] != len(f.ADAudits) || count["Feuille"] != 9 {
		t.Errorf("CSV lines per sheet %v; facts: %d exercises, %d entities, %d AD audits", count, len(f.Exercises), len(f.Entities), len(f.ADAudits))
	}

	x, err := excelize.OpenReader(bytes.NewReader(parts["donnees.xlsx"]))
	if err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	defer x.Close()
	xrows, err := x.GetRows("Résultats")
	if err != nil {
		t.Fatalf("sheet Résultats: %v", err)
	}
	if len(xrows) < 2 || xrows[0][0] != "Objectif" {
		t.Fatalf("sheet Résultats: %v", xrows)
	}
	objs := map[string]bool{}
	for _, row := range xrows[1:] {
		objs[row[0]] = true
	}
	for _, o := range []string{"D1.O1.A", "D1.O3"} {
		if !objs[o] {
			t.Errorf("objective %s missing from the XLSX results", o)
		}
	}

	// The parts are also served alone.
	for path, ct := range map[string]string{"fiche.pdf": "application/pdf", "donnees.csv": "text/csv; charset=utf-8",
		"donnees.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		resp, _ := c.get("/dossiers/CVL-99/" + path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ct {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	// Out of scope: 404.
	if resp, _ := e.login("rssi-clinique").get("/dossiers/CVL-99/bundle.zip"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("out-of-scope bundle: %d, want 404", resp.StatusCode)
	}
}

func TestStatusPDF(t *testing.T) {
	ev := &care.Evaluation{AsOf: civil.MustParse("2025-06-15"), Wave: "D1-2024",
		Objectives: []care.ObjectiveSummary{{Objective: "D1.O3", Title: "Exercice de crise cyber annuel", Status: care.NotMet, Total: 1}},
		Results: []care.Result{{Objective: "D1.O3", Entity: "010000016", EntityName: "CH de Valmont", Status: care.NotMet,
			Reason:   "dernier exercice de crise le 2023-01-10, il y a plus de 12 mois",
			Evidence: []care.Evidence{{Kind: "exercise", Ref: "exercice 010000016", Date: civil.MustParse("2023-01-10")}}}},
	}
	b, err := statusPDF(statusSheet{Applicant: "GHT Démo (CVL-99)", Ev: ev, Generated: time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatal("not a PDF")
	}
	for _, want := range []string{"D1.O3", "010000016", "non atteint"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	// French accents are written in cp1252 (é = 0xE9), not as UTF-8 bytes.
	if !bytes.Contains(b, []byte("Fiche d'\xe9tat")) || bytes.Contains(b, []byte("Fiche d'\xc3\xa9tat (")) {
		t.Error("French text not translated to cp1252")
	}
}
