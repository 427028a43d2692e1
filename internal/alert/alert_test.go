package alert

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/store"
	"vigie/internal/testenv"
)

const labDir = "/tmp/vigie-smtp"

// labSMTP starts the project's mail lab (scripts/lab/smtp.sh: Exim on
// 127.0.0.1:2525, STARTTLS and AUTH required) and returns a sender to it.
func labSMTP(t *testing.T) *SMTP {
	t.Helper()
	testenv.NeedCommand(t, "exim4")
	testenv.NeedRoot(t)
	script := filepath.Join("..", "..", "scripts", "lab", "smtp.sh")
	for _, action := range []string{"install", "start"} {
		if out, err := exec.Command("bash", script, action, labDir).CombinedOutput(); err != nil {
			t.Fatalf("smtp.sh %s : %v\n%s", action, err, out)
		}
	}
	pem, err := os.ReadFile(filepath.Join(labDir, "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("certificat du serveur SMTP illisible")
	}
	return &SMTP{Addr: "127.0.0.1:2525", User: "alertes", Password: "vigie-lab", From: "vigie@vigie.test",
		TLS: &tls.Config{RootCAs: pool, ServerName: "localhost"}, Timeout: 20 * time.Second}
}

// mailbox returns the decoded messages delivered to addr, waiting until
// there are at least want of them (or 20 s).
func mailbox(t *testing.T, addr string, want int) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out []string
		files, _ := filepath.Glob(filepath.Join(labDir, "maildir", "new", "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil || !strings.Contains(string(b), "To: "+addr+"\r\n") && !strings.Contains(string(b), "To: "+addr+"\n") {
				continue
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(b))))
			out = append(out, string(body))
		}
		if len(out) >= want || time.Now().After(deadline) {
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	st, err := store.Open(context.Background(), store.Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "vigie.db"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func recipient() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "rssi-" + hex.EncodeToString(b) + "@vigie.test"
}

func criticalAudit(host string, ports ...int) *exposure.Audit {
	a := &exposure.Audit{}
	for _, p := range ports {
		a.Findings = append(a.Findings, exposure.Finding{Host: host, Port: p, Severity: exposure.Critical, Title: "Bureau à distance (RDP) exposé",
			Remediation: "Retirer l'exposition directe du service."})
	}
	return a
}

func TestMailImmediateOnceAndDigest(t *testing.T) {
	ctx := context.Background()
	mail := labSMTP(t)
	st := newStore(t)
	now := time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)
	// Dates in the messages are in the application's zone, not the process's.
	paris := time.FixedZone("CET", 3600)
	n := &Notifier{Store: st, Mail: mail, Now: func() time.Time { return now }, Location: paris}
	to, digestTo := recipient(), recipient()
	if _, err := st.SaveAlertSubscription(ctx, store.AlertSubscription{Login: "rssi", Applicant: "690001235",
		Kinds: []string{string(CriticalFinding)}, Channel: "email", Target: to}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveAlertSubscription(ctx, store.AlertSubscription{Login: "dsi", Kinds: []string{string(CriticalFinding), string(ADLevelDrop)},
		Channel: "email", Target: digestTo, Digest: true}); err != nil {
		t.Fatal(err)
	}
	// First audit: one critical finding; the second adds one and keeps the first.
	first := NewCriticalFindings("690001235", "690001235", nil, criticalAudit("198.51.100.7", 3389), now)
	if len(first) != 1 {
		t.Fatalf("événements %+v", first)
	}
	if err := n.Notify(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := NewCriticalFindings("690001235", "690001235", criticalAudit("198.51.100.7", 3389), criticalAudit("198.51.100.7", 3389, 3390), now)
	if len(second) != 1 || !strings.Contains(second[0].Title, "port 3390") {
		t.Fatalf("nouveau constat : %+v", second)
	}
	// The same finding seen again (a re-run without the diff) alerts nobody twice.
	again := NewCriticalFindings("690001235", "690001235", nil, criticalAudit("198.51.100.7", 3389), now)
	drop := LevelDrop("ght-x", "ad-x", "ad-1", 3, 2, now)
	if drop == nil || LevelDrop("ght-x", "ad-x", "ad-1", 2, 3, now) != nil {
		t.Fatal("baisse de niveau mal détectée")
	}
	if err := n.Notify(ctx, append(append(second, again...), *drop)); err != nil {
		t.Fatal(err)
	}
	got := mailbox(t, to, 2)
	if len(got) != 2 {
		t.Fatalf("%d messages pour %s, attendu 2 (un par constat critique, aucun doublon)", len(got), to)
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{"port 3389", "port 3390", "Retirer l'exposition directe du service.", "Dossier : 690001235", "Date : 10/03/2025 10:30"} {
		if !strings.Contains(joined, want) {
			t.Fatalf("messages sans %q :\n%s", want, joined)
		}
	}
	if d := mailbox(t, digestTo, 0); len(d) != 0 {
		t.Fatalf("mode résumé : %d message(s) avant Flush", len(d))
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	d := mailbox(t, digestTo, 1)
	if len(d) != 1 || !strings.Contains(d[0], "3 alertes Vigie") || !strings.Contains(d[0], "niveau ANSSI passé de 3 à 2") || !strings.Contains(d[0], "10/03/2025 10:30") {
		t.Fatalf("résumé : %q", d)
	}
	if err := n.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if d := mailbox(t, digestTo, 2); len(d) != 1 {
		t.Fatalf("un second Flush a renvoyé le résumé : %d messages", len(d))
	}
}

func TestMailRefusesBadPassword(t *testing.T) {
	ctx := context.Background()
	mail := labSMTP(t)
	mail.Password = "faux"
	st := newStore(t)
	to := recipient()
	if _, err := st.SaveAlertSubscription(ctx, store.AlertSubscription{Login: "rssi", Kinds: []string{string(JobFailed)}, Channel: "email", Target: to}); err != nil {
		t.Fatal(err)
	}
	n := &Notifier{Store: st, Mail: mail}
	err := n.Notify(ctx, []Event{Failed("690001235", "690001235", 7, 1, "audit d'exposition", "réseau injoignable", time.Now())})
	if err == nil || !strings.Contains(err.Error(), "authentification") {
		t.Fatalf("mot de passe faux : %v", err)
	}
	subs, _ := st.AlertSubscriptions(ctx)
	if p, _ := st.PendingAlerts(ctx, subs[0].ID); len(p) != 1 {
		t.Fatalf("l'alerte non envoyée doit rester en attente : %d", len(p))
	}
}

func TestWebhookSigned(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	secret := "s3cret-partagé"
	var mu sync.Mutex
	var bodies []payload
	var replay *http.Request
	var replayBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get(HeaderTimestamp)
		// Verify by hand, as a receiver in another language would.
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "."))
		m.Write(body)
		if r.Header.Get(HeaderSignature) != "sha256="+hex.EncodeToString(m.Sum(nil)) {
			http.Error(w, "signature", http.StatusUnauthorized)
			return
		}
		sec, _ := strconv.ParseInt(ts, 10, 64)
		if d := time.Since(time.Unix(sec, 0)); d > ReplayWindow || d < -ReplayWindow {
			http.Error(w, "rejeu", http.StatusUnauthorized)
			return
		}
		var p payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		bodies = append(bodies, p)
		replay, replayBody = r, body
		mu.Unlock()
	}))
	defer srv.Close()
	if _, err := st.SaveAlertSubscription(ctx, store.AlertSubscription{Login: "soc", Kinds: []string{string(ObjectiveNotMet), string(DeadlineSoon)},
		Channel: "webhook", Target: srv.URL + "/vigie", Secret: secret}); err != nil {
		t.Fatal(err)
	}
	asOf := civil.MustParse("2025-06-01")
	prev := []care.Result{{Objective: "D1.O1.A", Entity: "ad-chu", Status: care.InProgress}}
	cur := []care.Result{
		{Objective: "D1.O1.A", Entity: "ad-chu", Status: care.NotMet, Reason: "dernier audit il y a 75 jours"},
		{Objective: "D1.O2.B", Entity: "690001235", EntityName: "CH d'Essai", Status: care.InProgress,
			Next: &care.Next{Action: "prochain audit entre le 10/06 et le 25/06", Due: civil.MustParse("2025-06-10")}},
	}
	events := append(TurnedNotMet("ght-x", prev, cur, asOf, time.Now()), DeadlinesWithin("ght-x", cur, asOf, 14, time.Now())...)
	if len(events) != 2 {
		t.Fatalf("événements %+v", events)
	}
	if len(TurnedNotMet("ght-x", cur, cur, asOf, time.Now())) != 0 {
		t.Fatal("un objectif déjà non atteint ne doit pas alerter de nouveau")
	}
	// By default a webhook reaches public addresses only: the loopback
	// receiver is refused, the alerts stay pending.
	guarded := &Notifier{Store: st}
	if err := guarded.Notify(ctx, events); !errors.Is(err, ErrDelivery) || !strings.Contains(err.Error(), "pas une adresse publique") {
		t.Fatalf("webhook vers la boucle locale sans autorisation : %v", err)
	}
	if err := CheckURL(srv.URL, false); err == nil || CheckURL(srv.URL, true) != nil || CheckURL("ftp://exemple.fr", true) == nil ||
		CheckURL("https://user:pw@exemple.fr/", true) == nil || CheckURL("https://exemple.fr/hook", false) != nil {
		t.Errorf("CheckURL")
	}
	n := &Notifier{Store: st, Webhook: &Webhook{AllowPrivate: true}}
	if err := n.FlushImmediate(ctx); err != nil { // the pending alerts, sent now
		t.Fatal(err)
	}
	if err := n.Notify(ctx, events); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	kinds := map[string]string{}
	for _, b := range bodies {
		if len(b.Alerts) != 1 || b.Digest {
			t.Fatalf("webhooks reçus : %+v", bodies)
		}
		kinds[b.Alerts[0].Kind] = b.Alerts[0].Title
	}
	if len(bodies) != 2 || !strings.Contains(kinds[string(DeadlineSoon)], "dans 9 jours") || !strings.Contains(kinds[string(ObjectiveNotMet)], "D1.O1.A non atteint") {
		t.Fatalf("webhooks reçus (un par événement, aucun doublon) : %+v", bodies)
	}
	// The receiver's check of a replayed request, 10 minutes later.
	err := VerifyWebhook([]byte(secret), replay.Header.Get(HeaderTimestamp), replay.Header.Get(HeaderSignature), replayBody, time.Now().Add(10*time.Minute), 0)
	if err == nil || !strings.Contains(err.Error(), "rejeu") {
		t.Fatalf("rejeu accepté : %v", err)
	}
	if err := VerifyWebhook([]byte(secret), replay.Header.Get(HeaderTimestamp), replay.Header.Get(HeaderSignature), replayBody, time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	if err := VerifyWebhook([]byte("autre"), replay.Header.Get(HeaderTimestamp), replay.Header.Get(HeaderSignature), replayBody, time.Now(), 0); err == nil {
		t.Fatal("mauvais secret accepté")
	}
}
