package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"vigie/internal/exposure"
)

// findingRecord is one JSON line: the finding plus its stable key and id.
type findingRecord struct {
	FindingID  string    `json:"finding_id"`
	Key        string    `json:"key"`
	AuditEnd   time.Time `json:"audit_finished_at"`
	SeverityFR string    `json:"severity_fr"`
	exposure.Finding
}

// ExposureJSONL writes one JSON object per finding and line, most serious
// first, each with its stable finding_id and key.
func ExposureJSONL(w io.Writer, a *exposure.Audit) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range sortedFindings(a.Findings) {
		rec := findingRecord{FindingID: FindingID(f), Key: f.Key(), AuditEnd: a.FinishedAt, SeverityFR: f.Severity.French(), Finding: f}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("écriture JSONL : %w", err)
		}
	}
	return nil
}
