package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	sqlite "modernc.org/sqlite"
)

// ErrBackupPostgres: Vigie does not back up a PostgreSQL database itself.
var ErrBackupPostgres = errors.New("base PostgreSQL : sauvegardez-la avec pg_dump (pg_dump -Fc -f vigie.dump BASE) et restaurez-la avec pg_restore (voir docs/storage.md)")

// backuper is what the SQLite driver's connection offers for the online
// backup API.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// backupPages is how many pages one step of the online backup copies:
// between steps, writers may go on.
const backupPages = 1024

// Backup copies the SQLite database to path with SQLite's online backup
// API: a consistent copy taken while the application runs. The copy is
// written to path+".partiel" then renamed, so that path is either
// absent or complete; an existing path is refused. The encryption key is
// not in the copy: it must be kept apart (see docs/storage.md).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sauvegarde %s : le fichier existe déjà", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sauvegarde %s : %w", path, err)
	}
	tmp := path + ".partiel"
	os.Remove(tmp)
	if err := s.onlineCopy(ctx, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sauvegarde %s : %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sauvegarde %s : %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("sauvegarde %s : %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// onlineCopy runs the online backup of the database into a new file dst.
func (s *Store) onlineCopy(ctx context.Context, dst string) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return errors.New("le pilote SQLite n'offre pas la sauvegarde en ligne")
		}
		bk, err := b.NewBackup("file:" + dst)
		if err != nil {
			return err
		}
		for {
			more, err := bk.Step(backupPages)
			if err != nil {
				bk.Finish()
				return err
			}
			if !more {
				break
			}
			if err := ctx.Err(); err != nil {
				bk.Finish()
				return err
			}
		}
		return bk.Finish()
	})
}

// Restore replaces the SQLite database file target with the backup at
// src: the backup is copied to target+".restauration", opened there (its
// schema brought up to date, the key checked: a backup taken under
// another key is refused), checked (PRAGMA integrity_check), then renamed
// over target, whose old journal files are removed. No server may be
// running on target. An existing target is kept as
// target+".avant-restauration".
func Restore(ctx context.Context, src, target string, key []byte) error {
	tmp := target + ".restauration"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		os.Remove(p)
	}
	fail := func(err error) error {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(p)
		}
		return fmt.Errorf("restauration de %s : %w", src, err)
	}
	if err := copyFile(src, tmp); err != nil {
		return fail(err)
	}
	st, err := Open(ctx, Config{DSN: "sqlite:" + tmp, Key: key})
	if err != nil {
		return fail(fmt.Errorf("sauvegarde illisible, ou prise sous une autre clé de chiffrement : %w", err))
	}
	var ok string
	err = st.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok)
	if err == nil { // fold the migrations into the file: its journal goes
		_, err = st.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil || ok != "ok" {
		return fail(fmt.Errorf("sauvegarde endommagée (%s %v)", ok, err))
	}
	if err := syncFile(tmp); err != nil {
		return fail(err)
	}
	if _, err := os.Stat(target); err == nil {
		if err := os.Rename(target, target+".avant-restauration"); err != nil {
			return fail(err)
		}
	}
	for _, p := range []string{target + "-wal", target + "-shm", tmp + "-wal", tmp + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return fail(err)
	}
	return syncDir(filepath.Dir(target))
}

// copyFile copies src to a new file dst (0600) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Tables lists the tables of the database, for comparisons and checks.
func (s *Store) Tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := s.r.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
