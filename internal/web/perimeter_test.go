package web

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/internal/store"
)

// TestPerimeterApproval: the establishment records its perimeter (public
// addresses only on a server without --allow-private-targets), another
// account approves it (GHT referent, ARS or administrator, never the
// recorder, never a read-only auditor), a change needs a new approval.
func TestPerimeterApproval(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	path := "/entites/010000016/perimetre"
	own := e.login("rssi-valmont")
	_, page := own.get(path)
	tok := csrfOf(t, page)
	record := func(c *client, tok, text string) (*http.Response, string) {
		return c.post(path, url.Values{"csrf": {tok}, "perimetre": {text}})
	}
	for _, bad := range []struct{ text, want string }{
		{"", "déclarez au moins"},
		{"net 127.0.0.1", "boucle locale"},
		{"net 10.20.0.0/16", "réseau privé (RFC 1918)"},
		{"net 198.51.100.0/27", "plage de documentation"},
		{"net fe80::/64", "lien local"},
		{"asn AS64500 100.64.0.0/24", "CGNAT"},
		{"domain chu-valmont.fr\nentity 010000040", "ce périmètre est celui de l'établissement 010000016 seulement"},
		{"net 80.0.0.0/8", "trop grand"},
		{"net 300.1.1.1", "ligne 1"},
	} {
		resp, body := record(own, tok, bad.text)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.want) {
			t.Errorf("%q: %d, want 400 with %q", bad.text, resp.StatusCode, bad.want)
		}
	}
	if _, err := e.st.ExposurePerimeterOf(ctx, "010000016"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused perimeters stored: %v", err)
	}
	good := "domain chu-valmont.fr\nnet 193.51.24.0/28\nexclude 193.51.24.14\nentity 010000016"
	if resp, body := record(own, tok, good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d\n%s", resp.StatusCode, body)
	}
	_, page = own.get(path)
	if !strings.Contains(html.UnescapeString(page), "en attente d'approbation") || strings.Contains(page, "/perimetre/approbation") {
		t.Errorf("recorder's page: pending, no approval form expected:\n%s", page)
	}
	if resp, _ := own.post(path+"/approbation", url.Values{"csrf": {tok}, "version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("self-approval by an establishment: %d, want 403", resp.StatusCode)
	}
	// Read-only roles: the auditor neither records nor approves; the ARS
	// approves but does not record.
	aud := e.login("auditeur")
	_, ap := aud.get(path)
	if resp, _ := record(aud, csrfOf(t, ap), good); resp.StatusCode != http.StatusForbidden {
		t.Errorf("auditor records: %d, want 403", resp.StatusCode)
	}
	if resp, _ := aud.post(path+"/approbation", url.Values{"csrf": {csrfOf(t, ap)}, "version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("auditor approves: %d, want 403", resp.StatusCode)
	}
	ars := e.login("ars-cvl")
	_, arsPage := ars.get(path)
	if resp, _ := record(ars, csrfOf(t, arsPage), good+"\nhost x.chu-valmont.fr"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ARS records: %d, want 403", resp.StatusCode)
	}
	// Out of scope: another region's ARS, another GHT's establishment.
	if resp, _ := e.login("ars-idf").get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other region: %d, want 404", resp.StatusCode)
	}
	if resp, _ := e.login("rssi-clinique").get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other establishment: %d, want 404", resp.StatusCode)
	}
	if _, err := e.st.ApprovedExposurePerimeter(ctx, "010000016"); !errors.Is(err, store.ErrNotApproved) {
		t.Fatalf("approved without approval: %v", err)
	}
	if !strings.Contains(arsPage, "Approuver la version 1") {
		t.Fatalf("ARS page lacks the approval form:\n%s", arsPage)
	}
	if resp, _ := ars.post(path+"/approbation", url.Values{"csrf": {csrfOf(t, arsPage)}, "version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ARS approval: %d", resp.StatusCode)
	}
	ap1, err := e.st.ApprovedExposurePerimeter(ctx, "010000016")
	if err != nil || ap1.RecordedBy != "rssi-valmont" || ap1.ApprovedBy != "ars-cvl" {
		t.Fatalf("approved: %+v %v", ap1, err)
	}
	// A change needs a new approval; the referent who records cannot approve his own.
	ref := e.login("referent-ght")
	_, rp := ref.get(path)
	if resp, _ := record(ref, csrfOf(t, rp), good+"\nhost vpn.ght-valmont.fr"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("referent records a change")
	}
	if _, err := e.st.ApprovedExposurePerimeter(ctx, "010000016"); !errors.Is(err, store.ErrNotApproved) {
		t.Fatalf("changed perimeter still usable: %v", err)
	}
	if resp, _ := ref.post(path+"/approbation", url.Values{"csrf": {csrfOf(t, rp)}, "version": {"2"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("referent approves his own version: %d, want 403", resp.StatusCode)
	}
	if resp, _ := ars.post(path+"/approbation", url.Values{"csrf": {csrfOf(t, arsPage)}, "version": {"1"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("approval of the replaced version: %d, want 409", resp.StatusCode)
	}
	admin := e.login("admin")
	_, adp := admin.get(path)
	if resp, _ := admin.post(path+"/approbation", url.Values{"csrf": {csrfOf(t, adp)}, "version": {"2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("admin approval")
	}
	_, page = own.get(path)
	if !strings.Contains(page, "Version 2 — approuvée") || !strings.Contains(page, "Historique") {
		t.Errorf("page after approval:\n%s", page)
	}
	trail, _ := e.st.AuditTrail(ctx, 20)
	var lines []string
	for _, x := range trail {
		if x.Action == store.ActionPerimeter {
			lines = append(lines, x.By+": "+x.Detail)
		}
	}
	if len(lines) != 4 {
		t.Errorf("audit trail of the perimeter: %q", lines)
	}
}
