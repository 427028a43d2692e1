package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"vigie/internal/report"

	"github.com/xuri/excelize/v2"
)

// recordsCSV writes the sheets as one CSV file (UTF-8 with a byte order
// mark and ";" separators, as French spreadsheets expect): each line
// starts with the sheet name; each sheet starts with its header line.
func recordsCSV(sheets []sheet) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	for _, s := range sheets {
		if err := w.Write(append([]string{"Feuille"}, s.Head...)); err != nil {
			return nil, fmt.Errorf("CSV %s : %w", s.Name, err)
		}
		for _, r := range s.Rows {
			if err := w.Write(append([]string{s.Name}, neutralise(r)...)); err != nil {
				return nil, fmt.Errorf("CSV %s : %w", s.Name, err)
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("CSV : %w", err)
	}
	return buf.Bytes(), nil
}

// neutralise prefixes cells a spreadsheet would run as a formula (report.SafeCell).
func neutralise(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = report.SafeCell(c)
	}
	return out
}

// recordsXLSX writes the sheets as an XLSX workbook, one worksheet each
// (text cells: nothing is interpreted as a formula).
func recordsXLSX(sheets []sheet) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	for i, s := range sheets {
		name := xlsxSheetName(s.Name)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("XLSX %s : %w", s.Name, err)
			}
		} else if _, err := x.NewSheet(name); err != nil {
			return nil, fmt.Errorf("XLSX %s : %w", s.Name, err)
		}
		for r, row := range append([][]string{s.Head}, s.Rows...) {
			for c, v := range neutralise(row) {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					return nil, fmt.Errorf("XLSX %s : %w", s.Name, err)
				}
				if err := x.SetCellStr(name, cell, v); err != nil {
					return nil, fmt.Errorf("XLSX %s : %w", s.Name, err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("XLSX : %w", err)
	}
	return buf.Bytes(), nil
}

// xlsxSheetName keeps a sheet name within Excel's 31 characters, without
// the characters Excel forbids.
func xlsxSheetName(n string) string {
	r := []rune(n)
	for i, c := range r {
		switch c {
		case ':', '\\', '/', '?', '*', '[', ']':
			r[i] = '-'
		}
	}
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}
