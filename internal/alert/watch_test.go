package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/demo"
	"vigie/internal/dossier"
	"vigie/internal/store"
)

// TestWatcherTurnsAndDeadlines evaluates the demo GHT twice: the first
// check is the baseline (deadlines only, no objective « turned »), the
// second tells the three D1.O2.B results that turned « non atteint »
// between January and March 2025, once; a subscriber the scope check
// refuses receives nothing.
func TestWatcherTurnsAndDeadlines(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	f, err := dossier.Read(bytes.NewReader(demo.GHTDossier()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportFacts(ctx, *f, "test"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string][]payloadAlert{} // by path (subscriber)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got[r.URL.Path] = append(got[r.URL.Path], p.Alerts...)
		mu.Unlock()
	}))
	defer srv.Close()
	for _, login := range []string{"referent", "parti"} {
		if _, err := st.SaveAlertSubscription(ctx, store.AlertSubscription{Login: login, Applicant: "CVL-99",
			Kinds: []string{string(ObjectiveNotMet), string(DeadlineSoon)}, Channel: "webhook", Target: srv.URL + "/" + login, Secret: "secret-" + login}); err != nil {
			t.Fatal(err)
		}
	}
	n := &Notifier{Store: st, Webhook: &Webhook{AllowPrivate: true},
		Allowed: func(ctx context.Context, login, applicant, subject string) (bool, error) {
			return login == "referent", nil
		}}
	w := &Watcher{Store: st, Notifier: n}
	at := func(d string) time.Time { tm, _ := time.Parse("2006-01-02", d); return tm.Add(9 * time.Hour) }
	if _, err := w.Check(ctx, at("2025-01-15")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for _, a := range got["/referent"] {
		if a.Kind == string(ObjectiveNotMet) {
			t.Errorf("baseline told a turn: %+v", a)
		}
	}
	deadlines := len(got["/referent"])
	mu.Unlock()
	if deadlines == 0 {
		t.Error("baseline: no deadline within 30 days told")
	}
	if _, err := w.Check(ctx, at("2025-03-15")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Check(ctx, at("2025-03-15")); err != nil { // the same day again: nothing new
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var turned []string
	for _, a := range got["/referent"] {
		if a.Kind == string(ObjectiveNotMet) {
			turned = append(turned, a.Subject+" "+strings.Fields(a.Title)[1])
		}
	}
	sort.Strings(turned)
	if strings.Join(turned, ",") != "010000016 D1.O2.B,010000040 D1.O2.B,010000065 D1.O2.B" {
		t.Errorf("turned « non atteint »: %v", turned)
	}
	if len(got["/parti"]) != 0 {
		t.Errorf("a subscriber out of scope received %d alert(s)", len(got["/parti"]))
	}
	prev, asOf, err := st.ObjectiveStatuses(ctx, "CVL-99")
	if err != nil || asOf.String() != "2025-03-15" || len(prev) == 0 {
		t.Errorf("saved statuses: %d at %s, %v", len(prev), asOf, err)
	}
}
