package jobs

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
	"vigie/internal/testenv/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// engines lists the databases the tests run on: a fresh SQLite file or a
// fresh PostgreSQL schema, as the DSN of the store.
var databases = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "vigie.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.SchemaDSN(t) }},
}

// fin makes a valid fictional FINESS number.
func fin(t testing.TB, body string) org.FINESS {
	t.Helper()
	k, err := org.LuhnKey(body)
	if err != nil {
		t.Fatal(err)
	}
	return org.FINESS(body + string(k))
}

// testKey is a fresh store key.
func testKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// openTestStore opens a store on dsn holding one EJ applicant.
func openTestStore(t *testing.T, dsn string, key []byte) (*store.Store, org.FINESS) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: dsn, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ej := fin(t, "69000123")
	f := care.Facts{Wave: "D1-2024", Entities: []org.Entity{{FINESS: ej, Kind: org.EJ, Name: "CH d'Essai", LegalStatus: "13", Category: org.Public}},
		Directories: []care.Directory{{ID: "ad-essai", Name: "Annuaire d'essai", Entities: []org.FINESS{ej}}}}
	if _, err := st.ImportFacts(ctx, f, "test"); err != nil {
		t.Fatalf("import : %v", err)
	}
	return st, ej
}

// waitJob waits until the job satisfies ok (or fails the test after limit).
func waitJob(t *testing.T, e *Engine, id int64, limit time.Duration, ok func(Job) bool) Job {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		j, err := e.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("tâche %d : état %s après %s (tentatives %d, erreurs %v)", id, j.State, limit, j.Attempt, j.Errors)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startEngine opens an engine and starts it; the test stops and closes it
// when it ends.
func startEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	ctx := context.Background()
	e, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(ctx) })
	return e
}
