package web

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"vigie/internal/ad/adlab"
	"vigie/internal/care"
	"vigie/internal/store"
)

// TestADJobAgainstLabDC runs an AD audit job against the project's Samba
// lab DC (loopback, serialised by the lab lock). Opt-in, because starting
// the DC takes a while: VIGIE_WEB_LAB_AD=1 go test ./internal/web/ -run LabDC
func TestADJobAgainstLabDC(t *testing.T) {
	if os.Getenv("VIGIE_WEB_LAB_AD") != "1" {
		t.Skip("VIGIE_WEB_LAB_AD=1 pour lancer l'audit AD contre le DC Samba de test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	lab, err := adlab.Start(ctx, "", false)
	if err != nil {
		t.Skipf("DC de test indisponible : %v", err)
	}
	defer lab.Stop(ctx)
	ca, err := os.ReadFile(lab.Get("LAB_AD_CA_CERT"))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := newKeyedEnv(t)
	c := e.login("rssi-valmont")
	path := "/dossiers/CVL-99/annuaires/ad-valmont/connexion"
	_, page := c.get(path)
	tok := csrfOf(t, page)
	resp, body := c.post(path, url.Values{"csrf": {tok}, "hote": {"127.0.0.1"}, "port": {lab.Get("LAB_AD_LDAPS_PORT")}, "tls": {"ldaps"},
		"compte": {lab.Get("LAB_AD_ADMIN_UPN")}, "mot_de_passe": {lab.Get("LAB_AD_ADMIN_PASSWORD")}, "ca": {string(ca)}})
	if resp.StatusCode != 303 {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = c.post("/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{"csrf": {tok}})
	st := waitJob(t, c, resp.Header.Get("Location"))
	if st["state"] != store.JobDone {
		t.Fatalf("AD job: %+v", st)
	}
	f, err := e.st.LoadFacts(ctx, "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	var got *care.ADAudit
	for i, a := range f.ADAudits {
		if a.ID == st["audit_id"] {
			got = &f.ADAudits[i]
		}
	}
	if got == nil || got.Source != care.SourceVigie || got.Directory != "ad-valmont" || got.Level < 1 {
		t.Errorf("stored AD audit: %+v", got)
	}
}
