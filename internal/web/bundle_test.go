package web

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/testenv"
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
	if !strings.Contains(page, `href="/dossiers/CVL-99/bundle.zip?at=`+demoAt+`"`) {
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
	// A file uploaded two days after the bundle's date is left out of it.
	e.clock.Advance(48 * time.Hour)
	c = e.login("referent-ght")
	_, page = c.get("/dossiers/CVL-99/preuves")
	if resp, body := c.uploadEvidence("CVL-99", csrfOf(t, page), "objectif:D1.O3@", "tardif.txt", []byte("ajouté après coup\n")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
	}
	resp, body := c.get("/dossiers/CVL-99/bundle.zip?at=" + demoAt)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("bundle: %d, %v", resp.StatusCode, resp.Header)
	}
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Modified.Year() < 2025 {
			t.Errorf("%s dated %v in the archive", f.Name, f.Modified)
		}
	}
	parts := zipParts(t, []byte(body))
	var man bundleManifest
	if err := json.Unmarshal(parts["manifeste.json"], &man); err != nil {
		t.Fatalf("manifeste.json: %v\n%s", err, parts["manifeste.json"])
	}
	if man.AsOf.String() != demoAt || man.Dossier != "CVL-99" || man.GeneratedAt.IsZero() {
		t.Errorf("manifest header: %+v", man)
	}
	listed := map[string]bool{}
	for _, mf := range man.Files {
		listed[mf.Name] = true
		sum := sha256.Sum256(parts[mf.Name])
		if hex.EncodeToString(sum[:]) != mf.SHA256 || mf.Size != int64(len(parts[mf.Name])) {
			t.Errorf("manifest entry %s: SHA-256 or size does not match the file", mf.Name)
		}
	}
	for name := range parts {
		if name != "manifeste.json" && !listed[name] {
			t.Errorf("%s is in the bundle but not in the manifest", name)
		}
	}
	if len(man.LeftOut) != 1 || man.LeftOut[0].Name != "tardif.txt" {
		t.Errorf("evidence left out: %+v, want tardif.txt", man.LeftOut)
	}
	var evidence []byte
	for name, b := range parts {
		if strings.HasPrefix(name, "preuves/") && strings.HasSuffix(name, "-retex.txt") {
			evidence = b
		}
		if strings.HasSuffix(name, "tardif.txt") {
			t.Errorf("%s: uploaded after the bundle's date, yet included", name)
		}
	}
	if !bytes.Equal(evidence, retex) {
		t.Errorf("evidence file in the bundle: %q", evidence)
	}
	if !bytes.HasPrefix(parts["fiche.pdf"], []byte("%PDF")) {
		t.Error("fiche.pdf is not a PDF")
	}

	f, err := e.st.LoadFacts(t.Context(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	// One CSV file per table, ";" and a byte order mark.
	csvRows := func(name string) [][]string {
		t.Helper()
		b := parts[name]
		if !bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("%s: no byte order mark", name)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	var csvs []string
	for name := range parts {
		if strings.HasPrefix(name, "donnees/") && strings.HasSuffix(name, ".csv") {
			csvs = append(csvs, name)
		}
	}
	if len(csvs) != 9 {
		t.Errorf("%d CSV files, want one per table (9): %v", len(csvs), csvs)
	}
	if rows := csvRows("donnees/05-exercices.csv"); len(rows) != len(f.Exercises)+1 || rows[0][0] != "FINESS" {
		t.Errorf("exercises CSV: %d lines for %d exercises", len(rows), len(f.Exercises))
	} else if !regexp.MustCompile(`^\d\d/\d\d/\d{4}$`).MatchString(rows[1][2]) {
		t.Errorf("exercise date in CSV %q, want JJ/MM/AAAA", rows[1][2])
	}
	if rows := csvRows("donnees/02-etablissements.csv"); len(rows) != len(f.Entities)+1 {
		t.Errorf("entities CSV: %d lines for %d entities", len(rows), len(f.Entities))
	}
	if rows := csvRows("donnees/07-budget.csv"); len(rows) < 2 || !strings.Contains(rows[1][3]+rows[1][4], ",") && rows[1][3] != "" {
		t.Errorf("budget CSV: %v (decimal comma expected)", rows)
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
	// Typed cells: a level is a number, a date a date; frozen header with filters.
	if typ, err := x.GetCellType("Audits AD", "E2"); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("AD level cell type %v (%v), want a number", typ, err)
	}
	if v, err := x.GetCellValue("Audits AD", "E2", excelize.Options{RawCellValue: true}); err != nil || v == "" || strings.ContainsAny(v, "niveau") {
		t.Errorf("AD level raw value %q (%v)", v, err)
	}
	if v, err := x.GetCellValue("Audits AD", "D2", excelize.Options{RawCellValue: true}); err != nil || !regexp.MustCompile(`^\d{5}$`).MatchString(v) {
		t.Errorf("AD date raw value %q (%v), want an Excel date serial", v, err)
	}
	if v, _ := x.GetCellValue("Audits AD", "D2"); !regexp.MustCompile(`^\d\d/\d\d/\d{4}$`).MatchString(v) {
		t.Errorf("AD date shown %q, want JJ/MM/AAAA", v)
	}
	panes, err := x.GetPanes("Résultats")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v, %v", panes, err)
	}
	if w, err := x.GetColWidth("Résultats", "E"); err != nil || w <= 20 {
		t.Errorf("reason column width %v (%v)", w, err)
	}
	xr, _ := zip.NewReader(bytes.NewReader(parts["donnees.xlsx"]), int64(len(parts["donnees.xlsx"])))
	sheetXML := ""
	for _, zf := range xr.File {
		if zf.Modified.Year() < 2025 {
			t.Errorf("XLSX entry %s dated %v", zf.Name, zf.Modified)
		}
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			sheetXML = string(b)
		}
	}
	if !strings.Contains(sheetXML, "<autoFilter") {
		t.Error("no filter on the first worksheet")
	}

	// The parts are also served alone.
	for path, ct := range map[string]string{"fiche.pdf": "application/pdf", "donnees/resultats.csv": "text/csv; charset=utf-8",
		"donnees.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		resp, _ := c.get("/dossiers/CVL-99/" + path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ct {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := c.get("/dossiers/CVL-99/donnees/inconnu.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown table: %d, want 404", resp.StatusCode)
	}
	// Out of scope: 404.
	if resp, _ := e.login("rssi-clinique").get("/dossiers/CVL-99/bundle.zip"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("out-of-scope bundle: %d, want 404", resp.StatusCode)
	}
}

// TestStatusPDF renders the sheet and reads it back with pdftotext
// (poppler-utils): Unicode text (accents, ≥, →) survives, TLP:AMBER and
// the date head every page, and the fonts are embedded.
func TestStatusPDF(t *testing.T) {
	pdftotext := testenv.NeedCommand(t, "pdftotext")
	pdffonts := testenv.NeedCommand(t, "pdffonts")
	ev := &care.Evaluation{AsOf: civil.MustParse("2025-06-15"), Wave: "D1-2024",
		Objectives: []care.ObjectiveSummary{{Objective: "D1.O1.B", Title: "Niveau ADS ≥ 2 sur les deux derniers audits", Status: care.Met, Total: 1, Met: 1},
			{Objective: "D1.O3", Title: "Exercice de crise cyber annuel", Status: care.NotMet, Total: 1}},
	}
	for i := range 60 { // enough rows for several pages
		ev.Results = append(ev.Results, care.Result{Objective: "D1.O3", Entity: "010000016", EntityName: fmt.Sprintf("CH de Valmont — site %d", i), Status: care.NotMet,
			Reason:   "dernier exercice de crise le 2023-01-10 → il y a plus de 12 mois ; 2 audit(s) retenus",
			Evidence: []care.Evidence{{Kind: "exercise", Ref: "exercice 010000016", Date: civil.MustParse("2023-01-10")}},
			Next:     &care.Next{Action: "organiser un exercice", Due: civil.MustParse("2025-06-30")}})
	}
	gen := time.Date(2025, 6, 15, 10, 0, 0, 0, parisZone())
	b, err := statusPDF(statusSheet{Applicant: "GHT Démo (CVL-99)", Ev: ev, Generated: gen}, true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fiche.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	if testing.Verbose() {
		t.Logf("%.3000s", text)
	}
	for _, want := range []string{"Fiche d'état du dossier CaRE", "Niveau ADS ≥ 2", "→ il y a plus", "2 audits retenus", "10/01/2023",
		"non atteint", "atteint", "Visa", "Signature", "Pour l'ARS", "Situation au 15/06/2025"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("%d page(s), want several", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(p, "TLP:AMBER") || !strings.Contains(p, "situation au 15/06/2025") || !strings.Contains(p, fmt.Sprintf("page %d sur %d", i+1, len(pages))) {
			t.Errorf("page %d lacks the TLP:AMBER header, the date or its number", i+1)
		}
	}
	fonts, err := exec.Command(pdffonts, path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	for _, l := range strings.Split(string(fonts), "\n")[2:] {
		if strings.TrimSpace(l) != "" && !strings.Contains(l, " yes ") {
			t.Errorf("font not embedded: %s", l)
		}
	}
}
