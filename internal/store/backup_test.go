package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"vigie/internal/care"
)

// fillEverything stores a row in as many tables as the API reaches:
// dossiers, sealed reports and evidence, a sealed connection, accounts,
// sessions, tokens, jobs, perimeters, controllers, the trail.
func fillEverything(t *testing.T, s *Store) {
	t.Helper()
	ctx := WithActor(context.Background(), "test")
	f := ghtFacts(t)
	mustImport(t, s, f, "test")
	mustImport(t, s, ejFacts(t), "test")
	if _, err := s.SaveADAudit(ctx, care.ADAudit{Directory: "ARA-99-ad1", Date: d("2025-02-01"), Level: 3, Source: care.SourceVigie}, []byte(`{"rapport":"AD"}`)); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("preuve "), evidenceChunk/3)
	if _, err := s.SaveEvidenceFile(ctx, EvidenceFile{Applicant: "ARA-99", Target: "objectif:D1.O3", Name: "cr.pdf", ContentType: "application/pdf", UploadedBy: "t"}, big); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveADConnection(ctx, "ARA-99", "ARA-99-ad1", ADConnection{Host: "dc1", User: "svc", Password: "secret"}, "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebUser(ctx, WebUser{Login: "rssi", Role: "etablissement", Scope: string(f.Entities[1].FINESS), PasswordHash: "h"}, "t"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateWebSession(ctx, WebSession{TokenHash: "s", Login: "rssi", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIToken(ctx, "rssi", "tok", "", "t"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecordExposurePerimeter(ctx, f.Entities[1].FINESS, "domain chu.fr\n", "rssi"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDomainControllers(ctx, "ARA-99", "ARA-99-ad1", []string{"dc1.ght.local"}, "t"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordLoginFailure(ctx, now, ThrottlePolicy{Delay: func(int) time.Duration { return time.Second }, Forget: time.Hour}, "ip:1"); err != nil {
		t.Fatal(err)
	}
}

// dumpTables reads every row of every table, as text, in a stable order.
func dumpTables(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	tables, err := s.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := s.r.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		sortStrings(lines)
		out[tb] = lines
	}
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestBackupRestore: an online backup restored into a fresh store holds
// exactly the same rows in every table, and its sealed data opens with
// the key; another key is refused; PostgreSQL is sent to pg_dump.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	key := testKey(5)
	s := open(t, Config{DSN: "sqlite:" + filepath.Join(dir, "vigie.db"), Key: key})
	fillEverything(t, s)
	want := dumpTables(t, s)
	if len(want) < 30 {
		t.Fatalf("only %d tables", len(want))
	}
	for tb, rows := range want {
		if len(rows) == 0 && tb != "directory_entities" {
			t.Logf("table %s empty in the source", tb)
		}
	}
	bk := filepath.Join(t.TempDir(), "vigie.sauvegarde")
	if err := s.Backup(ctx, bk); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, bk); err == nil {
		t.Error("backup over an existing file")
	}
	// Writes after the backup are not in it.
	if _, _, err := s.RecordExposurePerimeter(ctx, ejFacts(t).Entities[0].FINESS, "domain clinique.fr\n", "x"); err != nil {
		t.Fatal(err)
	}

	target := filepath.Join(t.TempDir(), "restauree", "vigie.db")
	os.MkdirAll(filepath.Dir(target), 0o700)
	if err := Restore(ctx, bk, target, testKey(6)); err == nil {
		t.Fatal("backup restored under another key")
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("refused restore left a database")
	}
	if err := Restore(ctx, bk, target, key); err != nil {
		t.Fatal(err)
	}
	r := open(t, Config{DSN: "sqlite:" + target, Key: key})
	got := dumpTables(t, r)
	if !reflect.DeepEqual(got, want) {
		for tb := range want {
			if !reflect.DeepEqual(got[tb], want[tb]) {
				t.Errorf("table %s differs:\nwant %v\ngot  %v", tb, want[tb], got[tb])
			}
		}
	}
	if _, data, err := r.EvidenceFileData(ctx, "ARA-99", firstEvidence(t, r)); err != nil || len(data) == 0 {
		t.Errorf("restored evidence unreadable: %v", err)
	}
	if c, err := r.ADConnectionOf(ctx, "ARA-99", "ARA-99-ad1"); err != nil || c.Password != "secret" {
		t.Errorf("restored connection: %+v %v", c, err)
	}
	// Restoring over an existing database keeps the old one aside.
	if err := Restore(ctx, bk, target, key); err == nil {
		if _, err := os.Stat(target + ".avant-restauration"); err != nil {
			t.Errorf("old database not kept: %v", err)
		}
	}
	if err := newPostgresBackup(t); err != nil && !errors.Is(err, ErrBackupPostgres) {
		t.Errorf("PostgreSQL backup: %v", err)
	}
}

func firstEvidence(t *testing.T, s *Store) string {
	t.Helper()
	fs, err := s.EvidenceFiles(context.Background(), "ARA-99")
	if err != nil || len(fs) == 0 {
		t.Fatalf("evidence: %v", err)
	}
	return fs[0].ID
}

// newPostgresBackup asks a PostgreSQL store for a backup (nil when no
// PostgreSQL is available here).
func newPostgresBackup(t *testing.T) error {
	for _, e := range engines {
		if e.name == "postgres" {
			s := open(t, e.config(t))
			return s.Backup(context.Background(), filepath.Join(t.TempDir(), "x"))
		}
	}
	return nil
}
