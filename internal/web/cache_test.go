package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/internal/civil"
)

// dashRow returns the dashboard row of an objective and entity.
func dashRow(t *testing.T, body, objective, entity string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<tr data-objectif="`+objective+`" data-entite="`+entity+`">`)
	if !ok {
		t.Fatalf("no %s row for %s on the dashboard", objective, entity)
	}
	row, _, _ := strings.Cut(rest, "</tr>")
	return row
}

// apiStatus returns the status of an objective for an entity in an API evaluation.
func apiStatus(body map[string]any, objective, entity string) string {
	rs, _ := body["results"].([]any)
	for _, x := range rs {
		r, _ := x.(map[string]any)
		if r["objective"] == objective && r["entity"] == entity {
			s, _ := r["status"].(string)
			return s
		}
	}
	return ""
}

// TestCacheSeesWrites loads the dashboard and the API evaluation twice (the
// second time from the cache), records an exercise through the web form,
// then another through the store as another process would, and checks
// that the very next requests show each of them.
func TestCacheSeesWrites(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	tok := e.token("admin")
	dash := "/dossiers/CVL-99?at=" + demoAt
	api := "/api/v1/applicants/CVL-99/evaluation?at=" + demoAt
	for range 2 {
		if _, body := c.get(dash); !strings.Contains(dashRow(t, body, "D1.O3", "010000040"), "non atteint") {
			t.Fatal("precondition: D1.O3 of CH de Rivebelle already met")
		}
		if _, body := e.api(tok, api); apiStatus(body, "D1.O3", "010000040") == "met" {
			t.Fatal("precondition: D1.O3 of CH de Rivebelle already met (API)")
		}
	}
	_, page := c.get("/entites/010000040/exercices/nouveau")
	if resp, _ := c.post("/entites/010000040/exercices", exerciseForm(csrfOf(t, page))); resp.StatusCode != 303 {
		t.Fatalf("exercise form: status %d", resp.StatusCode)
	}
	if _, body := c.get(dash); strings.Contains(dashRow(t, body, "D1.O3", "010000040"), "non atteint") {
		t.Error("dashboard after the exercise: D1.O3 still « non atteint » (stale cache)")
	}
	if _, body := e.api(tok, api); apiStatus(body, "D1.O3", "010000040") != "met" {
		t.Errorf("API after the exercise: D1.O3 %q, want met", apiStatus(body, "D1.O3", "010000040"))
	}

	// A write straight to the store, as the CLI or another server would.
	if err := e.st.RecordExercise(context.Background(), exerciseFor("010000016", "2025-06-01"), "cli"); err != nil {
		t.Fatal(err)
	}
	if _, body := e.api(tok, api); !strings.Contains(fmt.Sprint(body["results"]), "2025-06-01") {
		t.Errorf("API after a write straight to the store: the exercise of 2025-06-01 is missing")
	}
}

// TestCacheKeepsScopes fills the cache as an administrator, then checks
// that an establishment's user still sees only its own entities, and the
// administrator all of them again.
func TestCacheKeepsScopes(t *testing.T) {
	e := newEnv(t)
	api := "/api/v1/applicants/CVL-99/evaluation?at=" + demoAt
	admin, rssi := e.token("admin"), e.token("rssi-rivebelle")
	_, all := e.api(admin, api)
	_, own := e.api(rssi, api)
	_, again := e.api(admin, api)
	if fmt.Sprint(again["results"]) != fmt.Sprint(all["results"]) {
		t.Error("the administrator's evaluation changed after a scoped user's request")
	}
	if own["partial"] != true || apiStatus(own, "D1.O3", "010000016") != "" || apiStatus(own, "D1.O3", "010000040") == "" {
		t.Errorf("scoped evaluation: partial=%v, shows CH de Valmont or hides CH de Rivebelle", own["partial"])
	}
	if apiStatus(all, "D1.O3", "010000016") == "" {
		t.Error("the administrator does not see CH de Valmont")
	}
}

// TestCacheConcurrent runs readers of the evaluation API while a writer
// records exercises (run with -race); once the writer is done, the next
// read shows every exercise.
func TestCacheConcurrent(t *testing.T) {
	e := newEnv(t)
	tok := e.token("admin")
	api := "/api/v1/applicants/CVL-99/evaluation?at=" + demoAt
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 8 {
			x := exerciseFor("010000040", civil.MustParse("2025-03-01").AddDays(i).String())
			if err := e.st.RecordExercise(context.Background(), x, "test"); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for range 10 {
				e.api(tok, api)
			}
		})
	}
	wg.Wait()
	_, body := e.api(tok, api)
	if !strings.Contains(fmt.Sprint(body["results"]), "2025-03-08") {
		t.Error("the last exercise (2025-03-08) is missing after the writer finished")
	}
}

// TestLRUBound checks the eviction order and the bound of the cache.
func TestLRUBound(t *testing.T) {
	c := lru{max: 2}
	c.put("a", 1)
	c.put("b", 2)
	c.get("a") // b is now the least recently used
	c.put("c", 3)
	if _, ok := c.get("b"); ok || c.len() != 2 {
		t.Errorf("b kept or wrong size %d", c.len())
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
}

// TestCachedPagePerSession checks that two sessions of one account each
// get their own form token on a cached dashboard (evidence uploads bump
// the data version: see TestDataVersion in the store).
func TestCachedPagePerSession(t *testing.T) {
	e := newEnv(t)
	a, b := e.login("referent-ght"), e.login("referent-ght")
	dash := "/dossiers/CVL-99?at=" + demoAt
	_, pa := a.get(dash)
	_, pb := b.get(dash)
	_, pa2 := a.get(dash)
	_, own := a.get("/")
	if csrfOf(t, pa) == csrfOf(t, pb) || csrfOf(t, pa2) != csrfOf(t, own) {
		t.Error("a cached dashboard carries another session's form token")
	}
}

// TestCachedResponseSharesMisses checks that requests missing the same
// page at the same time wait for one rendering instead of each rendering
// it (a write to a big dossier otherwise made every concurrent request
// rebuild it), and that each still gets the whole response.
func TestCachedResponseSharesMisses(t *testing.T) {
	s := &Server{}
	const callers = 8
	var fills atomic.Int32
	release, started := make(chan struct{}), make(chan struct{})
	fill := func(w http.ResponseWriter) error {
		if fills.Add(1) == 1 {
			close(started)
		}
		<-release
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Rendu", "une fois")
		fmt.Fprint(w, "<p>tableau de bord</p>")
		return nil
	}
	var wg sync.WaitGroup
	recs := make([]*httptest.ResponseRecorder, callers)
	call := func(i int) {
		defer wg.Done()
		recs[i] = httptest.NewRecorder()
		if err := s.cachedResponse(recs[i], httptest.NewRequest("GET", "/dossiers/X", nil), "page-x", fill); err != nil {
			t.Error(err)
		}
	}
	wg.Add(callers)
	go call(0)
	<-started // the first rendering is under way and cannot finish yet
	for i := 1; i < callers; i++ {
		go call(i)
	}
	time.Sleep(50 * time.Millisecond) // the others reach the cache and miss it
	close(release)
	wg.Wait()
	if n := fills.Load(); n != 1 {
		t.Errorf("%d renderings for %d concurrent requests, want 1", n, callers)
	}
	for i, rec := range recs {
		if rec.Code != http.StatusOK || rec.Body.String() != "<p>tableau de bord</p>" ||
			rec.Header().Get("X-Rendu") != "une fois" || rec.Header().Get("Content-Length") != "22" {
			t.Errorf("request %d: %d %q %v", i, rec.Code, rec.Body.String(), rec.Header())
		}
	}
}
