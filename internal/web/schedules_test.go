package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/internal/store"
)

// TestSchedulesAndCalendar: the roles that own an entity plan its audits
// (the others read the calendar), a schedule scans the approved perimeter
// and waits while there is none, the page shows the next dates, the done
// audits, the official audits' reminders and why runs wait; an
// establishment sees only its own entity and directory.
func TestSchedulesAndCalendar(t *testing.T) {
	e, _ := newKeyedEnv(t, &fakeEngines{})
	ctx := context.Background()
	c := e.login("rssi-valmont")
	page0 := "/dossiers/CVL-99/planification"
	resp, page := c.get(page0)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "010000016") || strings.Contains(page, "010000040") || strings.Contains(page, "ad-rivebelle") {
		t.Fatalf("schedules page of an establishment of the GHT: %d\n%s", resp.StatusCode, excerpt(page, "<main", "</main>"))
	}
	if !strings.Contains(page, "non planifié") || !strings.Contains(excerpt(page, "Rappels des audits officiels", "</ul>"), "Annuaire ad-valmont : ") ||
		!strings.Contains(page, `<td data-label="Type">réalisé</td>`) || !strings.Contains(html.UnescapeString(page), "audit d'exposition de CH de Valmont") {
		t.Errorf("schedules page without schedules:\n%s", excerpt(page, "<main", "</main>"))
	}
	form := page0 + "/exposition/010000016"
	_, fp := c.get(form)
	tok := csrfOf(t, fp)
	for _, bad := range []struct {
		v    url.Values
		want string
	}{
		{url.Values{"tous_les": {"0"}, "ports": {"443"}, "active": {"oui"}}, "de 1 à 366"},
		{url.Values{"tous_les": {"30"}, "ports": {"80-"}, "active": {"oui"}}, "80-"},
		{url.Values{"tous_les": {"30"}, "ports": {"443"}, "active": {"peut-être"}}, "oui ou non attendu"},
	} {
		bad.v.Set("csrf", tok)
		if resp, body := c.post(form, bad.v); resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.want) {
			t.Errorf("%v: %d, want 400 with %q", bad.v, resp.StatusCode, bad.want)
		}
	}
	if resp, _ := c.get(page0 + "/exposition/010000040"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("form of another establishment's entity: %d, want 404", resp.StatusCode)
	}
	if resp, _ := c.post(form, url.Values{"csrf": {tok}, "tous_les": {"30"}, "ports": {"443,8443"}, "active": {"oui"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	sc, err := e.st.ScheduleOf(ctx, store.ScheduleExposure, "010000016")
	if err != nil || sc.Perimeter != "approved:010000016" || sc.EveryDays != 30 || sc.Ports != "443,8443" || !sc.Enabled || sc.UpdatedBy != "rssi-valmont" {
		t.Fatalf("stored schedule: %+v %v", sc, err)
	}
	_, page = c.get(page0)
	if !strings.Contains(page, "tous les 30 jours, ports 443,8443") || !strings.Contains(html.UnescapeString(page), "audits suspendus : établissement 010000016 : aucun périmètre d'exposition approuvé") {
		t.Errorf("schedule waiting for an approved perimeter:\n%s", excerpt(page, "<main", "</main>"))
	}
	// Approved: the next dates are planned and shown in the calendar.
	e.declarePerimeter("010000016", "net 127.0.0.0/30\n", "rssi-valmont", "referent-ght")
	_, page = c.get(page0)
	if strings.Contains(page, "audits suspendus") || !strings.Contains(page, "10/01/2026") || !strings.Contains(page, "janvier 2026") ||
		!strings.Contains(page, "planifié") || !strings.Contains(page, "cadence : un audit tous les 30 jours") {
		t.Errorf("approved schedule:\n%s", excerpt(page, "<main", "</main>"))
	}
	// Seen at another date (?at=), like the dashboards: the calendar
	// starts there, and the page says the planner runs at the real date.
	_, page = c.get(page0 + "?at=01/03/2026")
	if cal := html.UnescapeString(excerpt(page, `id="calendrier"`, "</main>")); !strings.Contains(cal, "calendrier vu au <strong>01/03/2026</strong>") ||
		!strings.Contains(cal, "date du jour, le 10/01/2026") || !strings.Contains(cal, "mars 2026") || strings.Contains(cal, "janvier 2026") {
		t.Errorf("calendar seen on 01/03/2026:\n%s", cal)
	}
	if resp, _ := c.get(page0 + "?at=31/02/2026"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("invalid ?at=: %d, want 400", resp.StatusCode)
	}
	// AD: waits for a stored connection.
	adForm := page0 + "/ad/ad-valmont"
	if resp, _ := c.post(adForm, url.Values{"csrf": {tok}, "tous_les": {"55"}, "active": {"oui"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save AD schedule: %d", resp.StatusCode)
	}
	if _, page = c.get(page0); !strings.Contains(html.UnescapeString(page), "audits suspendus : aucune connexion enregistrée pour l'annuaire ad-valmont") {
		t.Errorf("AD schedule without a connection:\n%s", excerpt(page, "<main", "</main>"))
	}
	// The ARS reads the whole calendar but plans nothing.
	ars := e.login("ars-cvl")
	if resp, page := ars.get(page0); resp.StatusCode != http.StatusOK || !strings.Contains(page, "010000040") || strings.Contains(page, "Planifier") {
		t.Errorf("ARS schedules page: %d", resp.StatusCode)
	}
	if resp, _ := ars.get(form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ARS schedule form: %d, want 403", resp.StatusCode)
	}
	// Suspended: no dates.
	if resp, _ := c.post(form, url.Values{"csrf": {tok}, "tous_les": {"30"}, "ports": {"443"}, "active": {"non"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspend: %d", resp.StatusCode)
	}
	if _, page = c.get(page0); !strings.Contains(page, "suspendue") || strings.Contains(page, "cadence : un audit tous les 30 jours") {
		t.Errorf("suspended schedule:\n%s", excerpt(page, "<main", "</main>"))
	}
}
