// Package store persists Vigie's data — establishments, applicants and their
// CaRE facts, full audit reports (encrypted at rest) and an audit trail —
// behind one API served by two engines: an embedded SQLite file (the
// default) and PostgreSQL. SQL is written by hand, portable between the two
// engines, and the schema comes from ordered migrations applied at Open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Config says where the data lives.
type Config struct {
	// DSN selects the engine: empty (DataDir/vigie.db), a filesystem path or
	// "sqlite:PATH" open an embedded SQLite file; "postgres://…" or
	// "postgresql://…" connects to PostgreSQL.
	DSN string
	// DataDir holds the SQLite file when DSN is empty (DefaultDataDir when empty).
	DataDir string
	// Key is the 32-byte AES-256 key that encrypts stored audit reports
	// (see LoadOrCreateKey). Without a key, reports can be neither saved nor read.
	Key []byte
	// Now is the clock of the audit trail (time.Now when nil).
	Now func() time.Time
	// EvidenceQuota bounds the evidence files of one dossier, in bytes
	// (DefaultEvidenceQuota when zero, no bound when negative).
	EvidenceQuota int64
}

// Engine names the database engine behind a Store.
type Engine string

// The two supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is an open database. It is safe for concurrent use.
type Store struct {
	engine Engine
	w      *sql.DB // writes (SQLite: one connection, immediate transactions)
	r      *sql.DB // reads (SQLite: several connections in WAL mode; PostgreSQL: same as w)
	key    []byte
	now    func() time.Time
	// where is the SQLite file path or the PostgreSQL DSN (see Location).
	where string
	// evidenceQuota: see Config.EvidenceQuota (0: none).
	evidenceQuota int64
}

// Open opens (creating if needed) the database described by cfg and brings
// its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{now: cfg.Now, evidenceQuota: cfg.EvidenceQuota}
	switch {
	case s.evidenceQuota == 0:
		s.evidenceQuota = DefaultEvidenceQuota
	case s.evidenceQuota < 0:
		s.evidenceQuota = 0
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.Key != nil {
		if len(cfg.Key) != keySize {
			return nil, fmt.Errorf("clé de chiffrement : %d octets au lieu de %d", len(cfg.Key), keySize)
		}
		s.key = append([]byte(nil), cfg.Key...)
	}
	dsn := strings.TrimSpace(cfg.DSN)
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = s.openPostgres(ctx, dsn)
	} else {
		err = s.openSQLite(ctx, dsn, cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.checkKey(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.backfillProvisional(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqlitePath resolves the SQLite file of a DSN.
func sqlitePath(dsn, dataDir string) (string, error) {
	path := strings.TrimPrefix(dsn, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	if path != "" {
		return path, nil
	}
	if dataDir == "" {
		d, err := DefaultDataDir()
		if err != nil {
			return "", err
		}
		dataDir = d
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("création du répertoire de données %s : %w", dataDir, err)
	}
	return filepath.Join(dataDir, "vigie.db"), nil
}

func (s *Store) openSQLite(ctx context.Context, dsn, dataDir string) error {
	path, err := sqlitePath(dsn, dataDir)
	if err != nil {
		return err
	}
	s.engine, s.where = SQLite, path
	const pragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// The writer opens first and switches the file to WAL, so that readers
	// never race the journal-mode change.
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("ouverture de %s : %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return fmt.Errorf("ouverture de la base SQLite %s : %w", path, err)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas)
	if err != nil {
		w.Close()
		return fmt.Errorf("ouverture de %s : %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s.w, s.r = w, r
	return nil
}

// pgPoolSize is how many PostgreSQL connections one process opens at most
// (docs/deployment.md counts them against max_connections).
const pgPoolSize = 10

func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("adresse PostgreSQL invalide : %w", err)
	}
	s.engine, s.where = Postgres, dsn
	db := sql.OpenDB(stdlib.GetConnector(*cfg))
	// Every open connection may stay idle: closing the ones beyond a
	// smaller idle bound after each burst of requests made the next burst
	// open new ones (a server process, statements parsed again), which
	// put 300 ms on the 95th percentile of the web pages under 10
	// concurrent clients. Idle connections still close after five minutes.
	db.SetMaxOpenConns(pgPoolSize)
	db.SetMaxIdleConns(pgPoolSize)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("connexion à PostgreSQL : %w", err)
	}
	s.w, s.r = db, db
	return nil
}

// Engine reports which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Close releases the database.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// DefaultDataDir is where Vigie keeps its data by default, following the
// XDG base directory specification: $XDG_DATA_HOME/vigie, else
// ~/.local/share/vigie.
func DefaultDataDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vigie"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("répertoire de données introuvable (ni XDG_DATA_HOME ni HOME) : %w", err)
	}
	return filepath.Join(home, ".local", "share", "vigie"), nil
}

// readTx starts a transaction that sees one consistent snapshot.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	var opts *sql.TxOptions
	if s.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("début de lecture : %w", err)
	}
	return tx, nil
}

// writeTx runs fn in a write transaction, committed when fn returns nil and
// rolled back otherwise.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("début de transaction : %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("validation de la transaction : %w", err)
	}
	return nil
}
