// Package pgtest gives tests a PostgreSQL database: the server named by
// VIGIE_TEST_POSTGRES_DSN, else a throwaway cluster started on loopback
// from the Debian binaries (/usr/lib/postgresql/*/bin), stopped by Stop.
// Each test gets its own schema, dropped at its end.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"vigie/internal/testenv"
)

type cluster struct {
	once     sync.Once
	dir      string
	pgCtl    string
	asUser   string
	adminDSN string
	err      error
	started  bool
}

var c cluster

// Stop stops the throwaway cluster if one was started; call it from TestMain.
func Stop() { c.stop() }

// AdminDSN returns a DSN with rights to create schemas, starting the
// throwaway cluster on first use. Without PostgreSQL the test is skipped
// (failed under CI).
func AdminDSN(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv("VIGIE_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	testenv.Need(t, len(bins) > 0, "PostgreSQL (VIGIE_TEST_POSTGRES_DSN ou /usr/lib/postgresql/*/bin/initdb)")
	sort.Strings(bins)
	c.once.Do(func() { c.err = c.start(filepath.Dir(bins[len(bins)-1])) })
	if c.err != nil {
		t.Fatalf("démarrage de PostgreSQL : %v", c.err)
	}
	return c.adminDSN
}

// SchemaDSN creates a fresh schema and returns a DSN whose connections use
// it (search_path); the schema is dropped when the test ends.
func SchemaDSN(t testing.TB) string {
	t.Helper()
	admin := AdminDSN(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	b := make([]byte, 6)
	rand.Read(b)
	schema := "vigie_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("création du schéma de test : %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("suppression du schéma de test : %v", err)
		}
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("VIGIE_TEST_POSTGRES_DSN : %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *cluster) run(name string, args ...string) error {
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s : %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return nil
}

func (c *cluster) start(bin string) error {
	dir, err := os.MkdirTemp("", "vigie-pg-")
	if err != nil {
		return err
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		// initdb refuses root: run the cluster as the postgres user.
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("utilisateur postgres : %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
		c.asUser = "postgres"
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	data := filepath.Join(dir, "data")
	if err := c.run(filepath.Join(bin, "initdb"), "-D", data, "--auth=trust", "-U", "postgres",
		"--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
		return err
	}
	c.pgCtl = filepath.Join(bin, "pg_ctl")
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -F -c max_connections=300", port, dir)
	if err := c.run(c.pgCtl, "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		return err
	}
	c.started = true
	c.adminDSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return nil
}

func (c *cluster) stop() {
	if c.started {
		if err := c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}
