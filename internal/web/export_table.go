package web

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/report"
)

// safeCells neutralises every cell of a row (report.SafeCell).
func safeCells(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = report.SafeCell(c)
	}
	return out
}

// cellKind is the type of an exported cell: spreadsheets get numbers as
// numbers and dates as dates, CSV gets them in French notation.
type cellKind int

const (
	cellText cellKind = iota
	cellInt
	cellNum
	cellDate
	cellEmpty
)

// xcell is one typed cell of an exported table.
type xcell struct {
	kind cellKind
	s    string
	n    float64
	d    civil.Date
}

// tx is a text cell.
func tx(s string) xcell {
	if s == "" {
		return xcell{kind: cellEmpty}
	}
	return xcell{kind: cellText, s: s}
}

// ix is an integer cell.
func ix(n int) xcell { return xcell{kind: cellInt, n: float64(n)} }

// fx is a decimal cell, empty when absent.
func fx(f *float64) xcell {
	if f == nil {
		return xcell{kind: cellEmpty}
	}
	return xcell{kind: cellNum, n: *f}
}

// dx is a date cell, empty for the zero date.
func dx(d civil.Date) xcell {
	if d.IsZero() {
		return xcell{kind: cellEmpty}
	}
	return xcell{kind: cellDate, d: d}
}

// text is the cell as French text (CSV, widths).
func (c xcell) text() string {
	switch c.kind {
	case cellInt:
		return strconv.Itoa(int(c.n))
	case cellNum:
		return french.Decimal(c.n, 4)
	case cellDate:
		return c.d.French()
	case cellText:
		return c.s
	}
	return ""
}

// table is one exported table: a CSV file, an XLSX worksheet.
type table struct {
	Name string // French title, also the worksheet name
	File string // base name of its CSV file
	Head []string
	Rows [][]xcell
}

// csvOf writes a table as CSV for French spreadsheets: UTF-8 with a byte
// order mark, ";" separators, dates JJ/MM/AAAA, decimal comma, and text
// that a spreadsheet would run as a formula neutralised (report.SafeCell).
func csvOf(t table) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	if err := w.Write(safeCells(t.Head)); err != nil {
		return nil, fmt.Errorf("CSV %s : %w", t.Name, err)
	}
	rec := make([]string, len(t.Head))
	for _, row := range t.Rows {
		rec = rec[:0]
		for _, c := range row {
			s := c.text()
			if c.kind == cellText {
				s = report.SafeCell(s)
			}
			rec = append(rec, s)
		}
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("CSV %s : %w", t.Name, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("CSV %s : %w", t.Name, err)
	}
	return buf.Bytes(), nil
}

// Column widths of the worksheets, in characters.
const (
	xlsxMinWidth = 8
	xlsxMaxWidth = 60
)

// xlsxOf writes the tables as one workbook, a worksheet each: typed cells
// (numbers, dates shown JJ/MM/AAAA, text never run as a formula:
// report.SafeCell), bold frozen header row with filters,
// columns sized to their content, zip entries dated at modified.
func xlsxOf(ts []table, modified time.Time) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E5E7EB"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	dateFmt := "dd/mm/yyyy"
	date, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	for i, t := range ts {
		name := xlsxSheetName(t.Name)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				return nil, fmt.Errorf("XLSX %s : %w", t.Name, err)
			}
		} else if _, err := x.NewSheet(name); err != nil {
			return nil, fmt.Errorf("XLSX %s : %w", t.Name, err)
		}
		if err := writeSheet(x, name, t, head, date); err != nil {
			return nil, fmt.Errorf("XLSX %s : %w", t.Name, err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("XLSX : %w", err)
	}
	return redateZip(buf.Bytes(), modified)
}

// writeSheet fills one worksheet.
func writeSheet(x *excelize.File, name string, t table, head, date int) error {
	widths := make([]int, len(t.Head))
	for c, h := range t.Head {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := x.SetCellStr(name, cell, report.SafeCell(h)); err != nil {
			return err
		}
		widths[c] = utf8.RuneCountInString(h) + 2
	}
	for r, row := range t.Rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+2)
			if err != nil {
				return err
			}
			switch v.kind {
			case cellText:
				err = x.SetCellStr(name, cell, report.SafeCell(v.s))
			case cellInt:
				err = x.SetCellInt(name, cell, int64(v.n))
			case cellNum:
				err = x.SetCellFloat(name, cell, v.n, -1, 64)
			case cellDate:
				if err = x.SetCellValue(name, cell, v.d.Time()); err == nil {
					err = x.SetCellStyle(name, cell, cell, date)
				}
			}
			if err != nil {
				return err
			}
			if c < len(widths) {
				widths[c] = max(widths[c], utf8.RuneCountInString(v.text())+2)
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(max(1, len(t.Head)), 1)
	if err := x.SetCellStyle(name, "A1", last, head); err != nil {
		return err
	}
	for c, w := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := x.SetColWidth(name, col, col, float64(min(max(w, xlsxMinWidth), xlsxMaxWidth))); err != nil {
			return err
		}
	}
	if err := x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(t.Head) > 0 {
		end, _ := excelize.CoordinatesToCellName(len(t.Head), len(t.Rows)+1)
		if err := x.AutoFilter(name, "A1:"+end, nil); err != nil {
			return err
		}
	}
	return nil
}

// redateZip rewrites a zip archive with every entry dated at t (the
// spreadsheet library leaves the zip default, 1980).
func redateZip(data []byte, t time.Time) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("XLSX : %w", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("XLSX, %s : %w", f.Name, err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: t})
		if err == nil {
			_, err = io.Copy(w, rc)
		}
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("XLSX, %s : %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("XLSX : %w", err)
	}
	return out.Bytes(), nil
}
