package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"vigie/internal/exposure"
)

// csvHeader names the CSV columns (French, for spreadsheets).
var csvHeader = []string{
	"identifiant", "clé", "hôte", "port", "service", "sévérité", "confiance",
	"contrôle", "titre", "preuve", "recommandation", "CVE", "références", "type",
}

// ExposureCSV writes the findings as CSV (comma-separated, UTF-8, one header
// line), most serious first. Cells that a spreadsheet would run as a formula
// (see SafeCell) are prefixed with an apostrophe.
func ExposureCSV(w io.Writer, a *exposure.Audit) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("écriture CSV : %w", err)
	}
	for _, f := range sortedFindings(a.Findings) {
		port := ""
		if f.Port != 0 {
			port = strconv.Itoa(f.Port)
		}
		row := []string{
			FindingID(f), f.Key(), f.Host, port, f.Service, f.Severity.French(), confidenceFR(f.Confidence),
			f.ID, f.Title, f.Evidence, f.Remediation, strings.Join(f.CVEs, " "), strings.Join(f.References, " "), f.Category,
		}
		for i, c := range row {
			row[i] = SafeCell(c)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("écriture CSV : %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("écriture CSV : %w", err)
	}
	return nil
}
