package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// factsText is a facts answer as JSON text, to search for identifiers.
func factsText(t *testing.T, body map[string]any) string {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAPIFacts(t *testing.T) {
	e := newEnv(t)
	const path = "/api/v1/applicants/CVL-99/facts"
	if status, _ := e.api("", path); status != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", status)
	}
	for login, id := range map[string]string{"ars-idf": "CVL-99", "rssi-valmont": "750000010", "auditeur": "750000010", "referent-ght": "inexistant"} {
		if status, body := e.api(e.token(login), "/api/v1/applicants/"+id+"/facts"); status != http.StatusNotFound || body["error"] == nil {
			t.Errorf("%s on %s: %d, want 404", login, id, status)
		}
	}
	status, body := e.api(e.token("admin"), path)
	all := factsText(t, body)
	if status != 200 || body["wave"] != "D1-2024" || body["partial"] != nil || !strings.Contains(all, "010000040") || !strings.Contains(all, "ad-rivebelle") || !strings.Contains(all, "candidature_validated") ||
		!strings.Contains(all, "010000065") || !strings.Contains(all, "governance") || !strings.Contains(all, "010000057") {
		t.Fatalf("admin: %d %v", status, body)
	}
	// Valmont sees its EJ and EG, its directory, the dossier's life; nothing of Rivebelle.
	status, body = e.api(e.token("rssi-valmont"), path)
	mine := factsText(t, body)
	if status != 200 || body["partial"] != true || !strings.Contains(mine, "010000024") || !strings.Contains(mine, "ad-valmont") || !strings.Contains(mine, "candidature_validated") {
		t.Fatalf("valmont: %d %v", status, body)
	}
	for _, other := range []string{"010000040", "010000057", "ad-rivebelle", "rivebelle", "010000065", "governance"} {
		if strings.Contains(strings.ToLower(mine), other) {
			t.Errorf("valmont sees %q of another establishment: %s", other, mine)
		}
	}
	// A whole-dossier establishment sees its own records.
	status, body = e.api(e.token("rssi-clinique"), "/api/v1/applicants/750000010/facts")
	if own := factsText(t, body); status != 200 || body["partial"] != nil || !strings.Contains(own, "750000028") || !strings.Contains(own, "debutant") {
		t.Errorf("clinic: %d %v", status, body)
	}
}
