package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/internal/demo"
	"vigie/internal/store"
)

// TestBackupRestoreRotate: « vigie backup » then « vigie restore » into
// another data directory give the same statuses; restore needs the key;
// « vigie key rotate » re-encrypts, and a rotation interrupted between its
// transaction and the key file's replacement is finished at the next run.
func TestBackupRestoreRotate(t *testing.T) {
	now := time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return runAt(t, now, args...)
	}
	a, c := t.TempDir(), t.TempDir()
	dossier := writeFile(t, "demo.json", string(demo.GHTDossier()))
	if code, _, errb := run("import", dossier, "--data", a); code != 0 {
		t.Fatalf("import: %s", errb)
	}
	ctx := context.Background()
	withStore := func(dir string, fn func(*store.Store)) {
		t.Helper()
		key, err := store.LoadOrCreateKey(dir)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(ctx, store.Config{DataDir: dir, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		fn(st)
	}
	withStore(a, func(st *store.Store) {
		if err := st.SaveADConnection(ctx, "CVL-99", "ad-valmont", store.ADConnection{Host: "dc1", Password: "secret"}, "t"); err != nil {
			t.Fatal(err)
		}
	})
	_, statusA, _ := run("status", "--data", a, "--at", "2025-06-15")
	bk := filepath.Join(t.TempDir(), "vigie.sauvegarde")
	if code, out, errb := run("backup", bk, "--data", a); code != 0 || !strings.Contains(errb, "clé de chiffrement") {
		t.Fatalf("backup: %d %s %s", code, out, errb)
	}
	if code, _, errb := run("restore", bk, "--data", c); code != 2 || !strings.Contains(errb, "copiez-y d'abord la clé sauvegardée") {
		t.Fatalf("restore without the key: %d %s", code, errb)
	}
	keyA, _ := os.ReadFile(filepath.Join(a, store.KeyFile))
	os.WriteFile(filepath.Join(c, store.KeyFile), keyA, 0o600)
	if code, _, errb := run("restore", bk, "--data", c); code != 0 {
		t.Fatalf("restore: %s", errb)
	}
	if _, statusC, _ := run("status", "--data", c, "--at", "2025-06-15"); statusC != statusA || statusA == "" {
		t.Errorf("statuses differ after restore:\n%s\n---\n%s", statusA, statusC)
	}
	if code, _, errb := run("restore", bk, "--data", c); code != 2 || !strings.Contains(errb, "--force") {
		t.Errorf("restore over a database: %d %s", code, errb)
	}
	if code, _, _ := run("restore", bk, "--data", c, "--force"); code != 0 {
		t.Error("restore --force")
	}

	// Rotation: the connection opens with the new key only.
	if code, out, errb := run("key", "rotate", "--data", a); code != 0 || !strings.Contains(out, "1 connexion,") {
		t.Fatalf("key rotate: %d %s %s", code, out, errb)
	}
	keyA2, _ := os.ReadFile(filepath.Join(a, store.KeyFile))
	if bytes.Equal(keyA, keyA2) {
		t.Fatal("key file unchanged")
	}
	withStore(a, func(st *store.Store) {
		if cn, err := st.ADConnectionOf(ctx, "CVL-99", "ad-valmont"); err != nil || cn.Password != "secret" {
			t.Errorf("connection after rotation: %+v %v", cn, err)
		}
	})
	// The old backup needs the old key: restoring it under the new one fails.
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, store.KeyFile), keyA2, 0o600)
	if code, _, _ := run("restore", bk, "--data", d); code == 0 {
		t.Error("old backup restored under the new key")
	}

	// An interrupted rotation: the store is re-sealed, vigie.key.new not yet renamed.
	newKey, _ := store.NewKey()
	next := filepath.Join(a, store.KeyFile+".new")
	if err := store.WriteKeyFile(next, newKey); err != nil {
		t.Fatal(err)
	}
	withStore(a, func(st *store.Store) {
		if _, err := st.RotateKey(ctx, newKey); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errb := run("status", "--data", a, "--at", "2025-06-15")
	if code != 0 || out != statusA || !strings.Contains(errb, "rotation de clé interrompue terminée") {
		t.Fatalf("after an interrupted rotation: %d %s", code, errb)
	}
	if _, err := os.Stat(next); err == nil {
		t.Error("vigie.key.new left behind")
	}
	withStore(a, func(st *store.Store) {
		if _, err := st.ADConnectionOf(ctx, "CVL-99", "ad-valmont"); err != nil {
			t.Errorf("connection after the finished rotation: %v", err)
		}
	})
}
