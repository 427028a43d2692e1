package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"vigie/internal/store"
)

// TestUploadLimits: a dossier's evidence stops at its quota, and an
// account's uploads at their rate, with French messages.
func TestUploadLimits(t *testing.T) {
	e := newEvidenceEnvWith(t, store.Config{EvidenceQuota: 100 << 10}, Config{UploadsPerWindow: 4})
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/preuves")
	tok := csrfOf(t, page)
	text := func(n int) []byte { return bytes.Repeat([]byte("compte rendu\n"), n/13) }
	if resp, body := c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "cr.txt", text(60<<10)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first upload: %d\n%s", resp.StatusCode, body)
	}
	resp, body := c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "cr2.txt", text(60<<10))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "quota de pièces justificatives") {
		t.Fatalf("over quota: %d\n%s", resp.StatusCode, body)
	}
	if n := evidenceCount(t, e.st, "CVL-99"); n != 1 {
		t.Fatalf("%d files stored, want 1", n)
	}
	for i := range 2 {
		if resp, _ := c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "petit.txt", text(100)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("small upload %d: %d", i, resp.StatusCode)
		}
	}
	resp, body = c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "petit.txt", text(100))
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Trop d&#39;envois de fichiers : 4 au plus par période de 10 minutes") {
		t.Fatalf("fifth upload in the window: %d\n%s", resp.StatusCode, body)
	}
	// Another account is not slowed down; the window slides.
	rv := e.login("rssi-valmont")
	_, p := rv.get("/dossiers/CVL-99/preuves")
	if resp, body := rv.uploadEvidence("CVL-99", csrfOf(t, p), "objectif:D1.O3@010000016", "a.txt", text(100)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("other account: %d\n%s", resp.StatusCode, body)
	}
	e.clock.Advance(11 * time.Minute)
	if resp, _ := c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "petit.txt", text(100)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", resp.StatusCode)
	}
}
