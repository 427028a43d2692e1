package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != keySize || bytes.Equal(k1, make([]byte, keySize)) {
		t.Fatalf("key of %d bytes: %x", len(k1), k1)
	}
	path := filepath.Join(dir, KeyFile)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(dir)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("second load: %x, %v; want the same key", k2, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("a world-readable key file was accepted")
	}
	if err := os.WriteFile(path, []byte("pas une clé\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Error("a malformed key file was accepted")
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/srv/xdg")
	if d, err := DefaultDataDir(); err != nil || d != "/srv/xdg/vigie" {
		t.Errorf("with XDG_DATA_HOME: %q, %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/rssi")
	if d, err := DefaultDataDir(); err != nil || d != "/home/rssi/.local/share/vigie" {
		t.Errorf("without XDG_DATA_HOME: %q, %v", d, err)
	}
}

func TestOpenDefaultSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vigie")
	s, err := Open(t.Context(), Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Engine() != SQLite {
		t.Errorf("engine %s", s.Engine())
	}
	if _, err := os.Stat(filepath.Join(dir, "vigie.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
	var mode string
	if err := s.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := s.r.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("-- comment; here\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX b ON a (x);\n")
	if len(got) != 2 || got[0] != "CREATE TABLE a (x TEXT)" || got[1] != "CREATE INDEX b ON a (x)" {
		t.Errorf("splitStatements = %q", got)
	}
}
