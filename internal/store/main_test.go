package store

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"context"
	"database/sql"
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
	"time"

	"vigie/internal/testenv"
)

// TestMain stops the throwaway PostgreSQL cluster if a test started one.
func TestMain(m *testing.M) {
	code := m.Run()
	cluster.stop()
	os.Exit(code)
}

// pgCluster is a throwaway PostgreSQL server, started on first use.
type pgCluster struct {
	once     sync.Once
	dir      string
	pgCtl    string
	asUser   string // run the server binaries as this user ("" = current)
	adminDSN string
	err      error
	started  bool
}

// cluster is the package's test server (test-only state).
var cluster pgCluster

// postgresAdminDSN returns a DSN with rights to create schemas: the one in
// VIGIE_TEST_POSTGRES_DSN, else a local throwaway cluster's. Without either
// the test is skipped (failed under CI).
func postgresAdminDSN(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv("VIGIE_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	testenv.Need(t, len(bins) > 0, "PostgreSQL (VIGIE_TEST_POSTGRES_DSN ou /usr/lib/postgresql/*/bin/initdb)")
	sort.Strings(bins)
	cluster.once.Do(func() { cluster.err = cluster.start(filepath.Dir(bins[len(bins)-1])) })
	if cluster.err != nil {
		t.Fatalf("démarrage de PostgreSQL : %v", cluster.err)
	}
	return cluster.adminDSN
}

func (c *pgCluster) run(name string, args ...string) error {
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

func (c *pgCluster) start(bin string) error {
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
	port, err := freePort()
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	if err := c.run(filepath.Join(bin, "initdb"), "-D", data, "--auth=trust", "-U", "postgres",
		"--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
		return err
	}
	c.pgCtl = filepath.Join(bin, "pg_ctl")
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -F -c max_connections=200", port, dir)
	if err := c.run(c.pgCtl, "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		return err
	}
	c.started = true
	c.adminDSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return nil
}

func (c *pgCluster) stop() {
	if c.started {
		if err := c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newPostgresConfig creates a fresh schema for one test and returns a
// config whose connections use it; the schema is dropped afterwards.
func newPostgresConfig(t testing.TB) Config {
	t.Helper()
	admin := postgresAdminDSN(t)
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	schema := fmt.Sprintf("vigie_test_%d_%s", time.Now().UnixNano(), newID("s")[2:10])
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
	return Config{DSN: u.String()}
}

// newSQLiteConfig returns a config for a fresh SQLite file.
func newSQLiteConfig(t testing.TB) Config {
	t.Helper()
	return Config{DSN: "sqlite:" + filepath.Join(t.TempDir(), "vigie.db")}
}

// engines lists the engines the suite runs on, with a fresh-database config maker.
var engines = []struct {
	name   string
	config func(testing.TB) Config
}{
	{"sqlite", newSQLiteConfig},
	{"postgres", newPostgresConfig},
}
