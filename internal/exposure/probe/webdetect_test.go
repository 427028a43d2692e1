package probe

import "testing"

// The evidence of a web fingerprint agrees its noun with the count read.
func TestFillEvidenceAgreesCount(t *testing.T) {
	tpl := "liste des patients lisible ({path} : {count:patient|patients}) — {product} {version}"
	for _, c := range []struct{ count, want string }{
		{"0", "liste des patients lisible (/patients : 0 patient) — Orthanc 1.12.4"},
		{"1", "liste des patients lisible (/patients : 1 patient) — Orthanc 1.12.4"},
		{"2", "liste des patients lisible (/patients : 2 patients) — Orthanc 1.12.4"},
		{"12345", "liste des patients lisible (/patients : 12\u202f345 patients) — Orthanc 1.12.4"},
		{"", "liste des patients lisible (/patients : ? patients) — Orthanc 1.12.4"},
	} {
		if got := fillEvidence(tpl, "/patients", c.count, "1.12.4", "Orthanc"); got != c.want {
			t.Errorf("count %q: %q, want %q", c.count, got, c.want)
		}
	}
	if got := fillEvidence("{count} examens, version {version}", "/", "3", "", "x"); got != "3 examens, version inconnue" {
		t.Errorf("plain placeholders: %q", got)
	}
}
