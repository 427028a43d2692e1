package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestAlertSubscriptions: a user subscribes to what they see (a dossier,
// or an entity or directory of it), by e-mail and/or signed webhook,
// lists and deletes their own subscriptions only; the delivery-time scope
// check follows the account's current scope.
func TestAlertSubscriptions(t *testing.T) {
	e, _ := newKeyedEnv(t, nil)
	ctx := context.Background()
	c := e.login("rssi-valmont")
	resp, page := c.get("/alertes")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="CVL-99/010000016"`) || strings.Contains(page, `value="CVL-99/010000040"`) ||
		strings.Contains(page, `value="750000010"`) || !strings.Contains(page, `value="CVL-99/ad-valmont"`) {
		t.Fatalf("subjects offered to an establishment of the GHT: %d\n%s", resp.StatusCode, excerpt(page, "<main", "</main>"))
	}
	tok := csrfOf(t, page)
	post := func(v url.Values) (*http.Response, string) {
		v.Set("csrf", tok)
		return c.post("/alertes", v)
	}
	for _, bad := range []struct {
		v    url.Values
		want string
	}{
		{url.Values{"sujet": {"CVL-99/010000016"}, "resume": {"non"}, "courriel": {"rssi@valmont.test"}}, "cochez au moins un type"},
		{url.Values{"sujet": {"CVL-99/010000040"}, "types": {"critical_finding"}, "resume": {"non"}, "courriel": {"rssi@valmont.test"}}, "choix « CVL-99/010000040 » inconnu"},
		{url.Values{"sujet": {"CVL-99"}, "types": {"critical_finding"}, "resume": {"non"}}, "indiquez une adresse électronique, un webhook ou les deux"},
		{url.Values{"sujet": {"CVL-99"}, "types": {"critical_finding"}, "resume": {"non"}, "courriel": {"pas une adresse"}}, "adresse électronique invalide"},
		{url.Values{"sujet": {"CVL-99"}, "types": {"critical_finding"}, "resume": {"non"}, "webhook": {"ftp://soc.valmont.test/"}, "secret": {"0123456789abcdef"}}, "adresse http:// ou https:// attendue"},
		{url.Values{"sujet": {"CVL-99"}, "types": {"critical_finding"}, "resume": {"non"}, "webhook": {"https://soc.valmont.test/"}, "secret": {"court"}}, "16 caractères au moins"},
		{url.Values{"sujet": {"CVL-99"}, "types": {"inconnu"}, "resume": {"non"}, "courriel": {"rssi@valmont.test"}}, "choix « inconnu » inconnu"},
	} {
		resp, body := post(bad.v)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.want) {
			t.Errorf("%v: %d, want 400 with %q", bad.v, resp.StatusCode, bad.want)
		}
	}
	const secret = "secret-du-soc-de-valmont"
	resp, _ = post(url.Values{"sujet": {"CVL-99/010000016"}, "types": {"critical_finding", "job_failed"}, "resume": {"oui"},
		"courriel": {"rssi@valmont.test"}, "webhook": {"https://soc.valmont.test/vigie"}, "secret": {secret}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	subs, err := e.st.AlertSubscriptionsOf(ctx, "rssi-valmont")
	if err != nil || len(subs) != 2 {
		t.Fatalf("subscriptions: %+v %v", subs, err)
	}
	for _, s := range subs {
		if s.Applicant != "CVL-99" || s.Subject != "010000016" || !s.Digest || strings.Join(s.Kinds, ",") != "critical_finding,job_failed" {
			t.Errorf("subscription %+v", s)
		}
		if s.Channel == "webhook" && (s.Secret != secret || s.Target != "https://soc.valmont.test/vigie") {
			t.Errorf("webhook subscription %+v", s)
		}
	}
	// The creation is in the audit trail, in French, without the secret.
	_, journal := e.login("admin").get("/journal?action=abonnement_alerte")
	journal = html.UnescapeString(journal)
	if strings.Count(journal, "créé : dossier CVL-99, 010000016, nouvelle vulnérabilité critique exposée, audit en échec") != 2 ||
		!strings.Contains(journal, "courriel vers rssi@valmont.test") || !strings.Contains(journal, "webhook vers https://soc.valmont.test/vigie") ||
		strings.Contains(journal, secret) || strings.Contains(journal, "critical_finding") {
		t.Errorf("audit trail of the subscriptions:\n%s", excerpt(journal, "<main", "</main>"))
	}
	_, page = c.get("/alertes")
	if strings.Contains(page, secret) || !strings.Contains(page, "résumé périodique") || !strings.Contains(page, "courriel rssi@valmont.test") ||
		!strings.Contains(page, "nouvelle vulnérabilité critique exposée") {
		t.Errorf("subscriptions page:\n%s", excerpt(page, "<main", "</main>"))
	}
	// Someone else cannot delete them; the owner can.
	ref := e.login("referent-ght")
	_, rp := ref.get("/alertes")
	path := "/alertes/" + strconv.FormatInt(subs[0].ID, 10) + "/suppression"
	if resp, _ := ref.post(path, url.Values{"csrf": {csrfOf(t, rp)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("delete another user's subscription: %d, want 404", resp.StatusCode)
	}
	if resp, _ := c.post(path, url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete own subscription: %d", resp.StatusCode)
	}
	if subs, _ := e.st.AlertSubscriptionsOf(ctx, "rssi-valmont"); len(subs) != 1 {
		t.Errorf("after deletion: %d subscription(s)", len(subs))
	}
	// The delivery-time scope check.
	allowed := AlertScope(e.st)
	for _, tc := range []struct {
		login, app, subject string
		want                bool
	}{
		{"rssi-valmont", "CVL-99", "010000016", true},
		{"rssi-valmont", "CVL-99", "ad-valmont", true},
		{"rssi-valmont", "CVL-99", "010000040", false},
		{"rssi-valmont", "CVL-99", "CVL-99", false},
		{"rssi-valmont", "750000010", "750000010", false},
		{"referent-ght", "CVL-99", "CVL-99", true},
		{"referent-ght", "CVL-99", "010000040", true},
		{"ars-cvl", "CVL-99", "010000040", true},
		{"inconnu", "CVL-99", "010000016", false},
	} {
		if got, err := allowed(ctx, tc.login, tc.app, tc.subject); err != nil || got != tc.want {
			t.Errorf("%s on %s/%s: %v %v, want %v", tc.login, tc.app, tc.subject, got, err, tc.want)
		}
	}
	if err := e.st.SetWebUserDisabled(ctx, "referent-ght", true, "admin"); err != nil {
		t.Fatal(err)
	}
	if got, err := allowed(ctx, "referent-ght", "CVL-99", "CVL-99"); err != nil || got {
		t.Errorf("disabled account: %v %v", got, err)
	}
}
