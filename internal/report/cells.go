package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// formulaStarts are the characters that make a spreadsheet read a cell as
// a formula, in ASCII and full width (some spreadsheets fold the latter).
const formulaStarts = "=+-@＝＋－＠"

// SafeCell neutralises spreadsheet formula injection in a CSV or XLSX
// cell: a cell starting with a tab or a carriage return, or whose first
// character after any leading blanks (spaces, tabs, line breaks, no-break
// and ideographic spaces) is = + - @ or their full-width forms, gets a
// leading apostrophe, so that it is shown as text.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	if r, _ := utf8.DecodeRuneInString(t); t != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}
