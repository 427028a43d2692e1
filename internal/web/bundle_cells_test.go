package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestBundleCellsNeutralised: CSV and XLSX cells that a spreadsheet would
// run as formulas, even behind blanks or in full width, are made text.
func TestBundleCellsNeutralised(t *testing.T) {
	sheets := []sheet{{Name: "Exercices", Head: []string{"Scénario"}, Rows: [][]string{{" =HYPERLINK(\"http://x\")"}, {"＝1+1"}, {"\n@cmd"}}}}
	csvData, err := recordsCSV(sheets)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`' =HYPERLINK`, "'＝1+1", "'\n@cmd"} {
		if !strings.Contains(string(csvData), want) {
			t.Errorf("CSV lacks %q:\n%s", want, csvData)
		}
	}
	data, err := recordsXLSX(sheets)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for cell, want := range map[string]string{"A2": `' =HYPERLINK("http://x")`, "A3": "'＝1+1"} {
		if v, _ := x.GetCellValue("Exercices", cell); v != want {
			t.Errorf("XLSX %s = %q, want %q", cell, v, want)
		}
	}
}
