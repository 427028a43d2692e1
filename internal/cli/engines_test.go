package cli

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"vigie/internal/ad/adlab"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/care"
	"vigie/internal/web"
)

// TestEngineTLSModes: the modes the web form stores are the collector's.
func TestEngineTLSModes(t *testing.T) {
	if web.TLSLDAPS != ldapcollect.TLSLDAPS || web.TLSStartTLS != ldapcollect.TLSStartTLS || web.TLSNone != ldapcollect.TLSNone {
		t.Errorf("web TLS modes %q %q %q differ from ldapcollect's", web.TLSLDAPS, web.TLSStartTLS, web.TLSNone)
	}
}

// TestEngineRefusesEmptyPerimeter: without a perimeter, the engines
// scan nothing.
func TestEngineRefusesEmptyPerimeter(t *testing.T) {
	env := &Env{Getenv: func(string) string { return "" }, Now: time.Now}
	if _, err := (engines{env: env}).ExposureAudit(context.Background(), exposureRequest{}, nil); err == nil {
		t.Error("empty perimeter accepted")
	}
}

// TestServeADJobAgainstLabDC runs an AD audit job of « vigie serve »
// against the project's Samba lab DC (loopback, serialised by the lab
// lock). Opt-in, because starting the DC takes a while:
// VIGIE_WEB_LAB_AD=1 go test ./internal/cli/ -run LabDC
func TestServeADJobAgainstLabDC(t *testing.T) {
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
	s := serveDemo(t)
	c := s.login("rssi-valmont")
	resp := s.post(c, "/dossiers/CVL-99/annuaires/ad-valmont/connexion", url.Values{"hote": {"127.0.0.1"}, "port": {lab.Get("LAB_AD_LDAPS_PORT")},
		"tls": {"ldaps"}, "compte": {lab.Get("LAB_AD_ADMIN_UPN")}, "mot_de_passe": {lab.Get("LAB_AD_ADMIN_PASSWORD")}, "ca": {string(ca)}})
	if resp.StatusCode != 303 {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	resp = s.postFrom(c, "/dossiers/CVL-99/audits", "/dossiers/CVL-99/annuaires/ad-valmont/audit", url.Values{})
	st := s.waitJob(c, resp.Header.Get("Location"))
	if st["state"] != "completed" {
		t.Fatalf("AD job: %+v", st)
	}
	f := s.facts("CVL-99")
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
