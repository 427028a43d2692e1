package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestBundleCellsNeutralised: CSV and XLSX cells that a spreadsheet would
// run as formulas, even behind blanks or in full width, are made text.
func TestBundleCellsNeutralised(t *testing.T) {
	tb := table{Name: "Exercices", File: "exercices", Head: []string{"Scénario"},
		Rows: [][]xcell{{tx(" =HYPERLINK(\"http://x\")")}, {tx("＝1+1")}, {tx("\n@cmd")}, {tx("-2+3")}}}
	csvData, err := csvOf(tb)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`' =HYPERLINK`, "'＝1+1", "'\n@cmd", "'-2+3"} {
		if !strings.Contains(string(csvData), want) {
			t.Errorf("CSV lacks %q:\n%s", want, csvData)
		}
	}
	data, err := xlsxOf([]table{tb}, time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for cell, want := range map[string]string{"A2": `' =HYPERLINK("http://x")`, "A3": "'＝1+1", "A5": "'-2+3"} {
		if v, _ := x.GetCellValue("Exercices", cell); v != want {
			t.Errorf("XLSX %s = %q, want %q", cell, v, want)
		}
	}
}
