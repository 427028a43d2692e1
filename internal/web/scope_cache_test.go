package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"vigie/internal/org"
)

func TestScopeCacheKeepsOneVersion(t *testing.T) {
	var c scopeCache
	f := org.FINESS("750000001")
	if _, ok := c.get(f, 1); ok {
		t.Fatal("empty cache answered")
	}
	c.put(f, 3, scopeEntry{ownApplicant: "A"})
	if e, ok := c.get(f, 3); !ok || e.ownApplicant != "A" {
		t.Fatalf("get(3) = %+v, %v", e, ok)
	}
	if _, ok := c.get(f, 4); ok {
		t.Fatal("an entry of version 3 answered for version 4")
	}
	c.put(f, 2, scopeEntry{ownApplicant: "old"})
	if e, _ := c.get(f, 3); e.ownApplicant != "A" {
		t.Fatalf("an older version replaced a newer one: %+v", e)
	}
	c.put(f, 5, scopeEntry{ownApplicant: "B"})
	if _, ok := c.get(f, 3); ok {
		t.Fatal("version 3 still answered after version 5 was cached")
	}
	if e, ok := c.get(f, 5); !ok || e.ownApplicant != "B" {
		t.Fatalf("get(5) = %+v, %v", e, ok)
	}
}

// TestScopeFollowsWrites: an establishment's scope is cached per data
// version; a site added to it afterwards is in its view on the next page.
func TestScopeFollowsWrites(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-rivebelle")
	const annex = "CH de Rivebelle — annexe du cache"
	if resp, page := c.get("/dossiers/CVL-99"); resp.StatusCode != http.StatusOK || strings.Contains(page, annex) {
		t.Fatalf("before: status %d, annex shown %v", resp.StatusCode, strings.Contains(page, annex))
	}
	site := org.Entity{FINESS: mustFINESS(t, "010000081"), Kind: org.EG, Name: annex, Parent: mustFINESS(t, "010000040")}
	if _, err := e.st.RecordEntity(context.Background(), "CVL-99", site, "test"); err != nil {
		t.Fatal(err)
	}
	if resp, page := c.get("/dossiers/CVL-99"); resp.StatusCode != http.StatusOK || !strings.Contains(page, annex) {
		t.Fatalf("after: status %d, annex shown %v", resp.StatusCode, strings.Contains(page, annex))
	}
}
