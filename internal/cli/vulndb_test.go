package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kevSample is the project's KEV fixture (the real entries the version ranges
// flag, catalogue 2025.08.25).
const kevSample = "../exposure/vulndb/testdata/kev-sample.json"

func TestVulnDBUpdateFromURLAndStatus(t *testing.T) {
	feed, err := os.ReadFile(kevSample)
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write(feed)
	}))
	defer srv.Close()
	xdg := t.TempDir()
	env, out, errb := outTestEnv(map[string]string{"XDG_DATA_HOME": xdg})
	if code := runOut(env, runVulnDB, "update", "--url", srv.URL+"/kev.json"); code != 0 {
		t.Fatalf("update exit %d: %s", code, errb)
	}
	if hits != 1 || !strings.Contains(out.String(), "2025.08.25") {
		t.Errorf("update output %q (hits %d)", out, hits)
	}
	if _, err := os.Stat(filepath.Join(xdg, "vigie", "vulndb", "kev.json")); err != nil {
		t.Errorf("not stored in XDG_DATA_HOME: %v", err)
	}
	env, out, _ = outTestEnv(map[string]string{"XDG_DATA_HOME": xdg})
	if code := runOut(env, runVulnDB, "status", "--format", "json"); code != 0 {
		t.Fatal("status failed")
	}
	var st vulndbStatusJSON
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || !st.KEVInstalled || st.KEVCount != 28 || st.CatalogVersion != "2025.08.25" || st.CVEsInKEV == 0 {
		t.Errorf("status %+v (%v)", st, err)
	}
	env, out, _ = outTestEnv(map[string]string{"XDG_DATA_HOME": xdg})
	runOut(env, runVulnDB, "status")
	if !strings.Contains(out.String(), "version 2025.08.25") || !strings.Contains(out.String(), "vieux de") {
		t.Errorf("status table %q", out)
	}
}

func TestVulnDBUpdateFromFileAndErrors(t *testing.T) {
	data := t.TempDir()
	env, _, errb := outTestEnv(nil)
	if code := runOut(env, runVulnDB, "update", "--from", kevSample, "--data", data); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	bad := filepath.Join(t.TempDir(), "kev.json")
	os.WriteFile(bad, []byte(`{"catalogVersion":"1","dateReleased":"2025-01-01T00:00:00Z","count":1,"vulnerabilities":[{"cveID":"CVE-1"}]}`), 0o600)
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, runVulnDB, "update", "--from", bad, "--data", data); code != 2 || !strings.Contains(errb.String(), "vulnerabilities[0]") {
		t.Errorf("bad feed: exit %d %q", code, errb)
	}
	// The previous good catalogue is kept.
	env, out, _ := outTestEnv(nil)
	runOut(env, runVulnDB, "status", "--data", data)
	if !strings.Contains(out.String(), "2025.08.25") {
		t.Errorf("good catalogue lost: %q", out)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "non", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, runVulnDB, "update", "--url", srv.URL, "--data", data); code != 1 || !strings.Contains(errb.String(), "503") || !strings.Contains(errb.String(), "--from") {
		t.Errorf("HTTP 503: exit %d %q", code, errb)
	}
	env, _, _ = outTestEnv(nil)
	if code := runOut(env, runVulnDB, "update", "--url", srv.URL, "--from", bad); code != 2 {
		t.Errorf("--url with --from: exit %d", code)
	}
	env, _, _ = outTestEnv(nil)
	if code := runOut(env, runVulnDB, "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

func TestVulnDBCheck(t *testing.T) {
	data := t.TempDir()
	env, out, errb := outTestEnv(nil)
	if code := runOut(env, runVulnDB, "check", "Fortinet FortiOS", "7.2.4", "--data", data); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "CVE-2024-21762") || !strings.Contains(out.String(), "critique") {
		t.Errorf("check output %q", out)
	}
	env, out, _ = outTestEnv(nil)
	runOut(env, runVulnDB, "check", "nginx", "1.27.3", "--data", data)
	if !strings.Contains(out.String(), "aucune vulnérabilité connue") || !strings.Contains(out.String(), "produit reconnu : oui") {
		t.Errorf("clean version output %q", out)
	}
	env, _, errb = outTestEnv(nil)
	if code := runOut(env, runVulnDB, "check", "OpenSSH", "neuf", "--data", data); code != 2 || !strings.Contains(errb.String(), "commencer par un chiffre") {
		t.Errorf("malformed version: exit %d %q", code, errb)
	}
}

func TestVulnDBThroughMain(t *testing.T) {
	data := t.TempDir()
	env, out, _ := outTestEnv(nil)
	if code := Main(context.Background(), []string{"vulndb", "status", "--data", data}, *env); code != 0 || !strings.Contains(out.String(), "non installé") {
		t.Errorf("vigie vulndb status: exit %d %q", code, out)
	}
	env, _, _ = outTestEnv(nil)
	if code := Main(context.Background(), []string{"vulndb"}, *env); code != 2 {
		t.Errorf("vigie vulndb without subcommand: exit %d", code)
	}
}
