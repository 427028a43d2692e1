package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"vigie/internal/store"
)

// storeFlags are --data and --database, shared by every command that reads
// or writes the database.
type storeFlags struct {
	data     string
	database string
	keyFile  string
	// evidenceQuota, set by the commands that take --evidence-quota.
	evidenceQuota int64
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.data, "data", "", "dossier des données (base SQLite intégrée, clé de chiffrement) ; défaut : $XDG_DATA_HOME/vigie")
	fs.StringVar(&s.database, "database", "", "base partagée PostgreSQL (postgres://…) ; défaut : $VIGIE_DATABASE, sinon SQLite")
	fs.StringVar(&s.keyFile, "key-file", "", "clé de chiffrement des rapports (32 octets) ; défaut : DATA/vigie.key, créée au premier usage")
}

// dataDir is the data directory these flags designate (created if needed).
func (s *storeFlags) dataDir(env *Env) (string, error) {
	dir := s.data
	if dir == "" {
		dir = env.Getenv("VIGIE_DATA")
	}
	if dir == "" {
		d, err := store.DefaultDataDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("dossier des données %s : %w", dir, err)
	}
	return dir, nil
}

// dsn is the database these flags designate ("" : SQLite in the data directory).
func (s *storeFlags) dsn(env *Env) string {
	if s.database != "" {
		return s.database
	}
	return env.Getenv("VIGIE_DATABASE")
}

// readKeyFile reads the raw 32-byte key of --key-file.
func readKeyFile(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) != 32 {
		err = errors.New("la clé doit faire exactement 32 octets")
	}
	if err != nil {
		return nil, inputErr(fmt.Errorf("--key-file %s : %w", path, err))
	}
	return key, nil
}

// open opens the store these flags designate. With the key managed in the
// data directory, a key rotation interrupted after its transaction (the
// new key still in vigie.key.new) is finished here: the store opens with
// the new key, which becomes vigie.key.
func (s *storeFlags) open(ctx context.Context, env *Env) (*store.Store, error) {
	dir, err := s.dataDir(env)
	if err != nil {
		return nil, err
	}
	var key []byte
	if s.keyFile != "" {
		if key, err = readKeyFile(s.keyFile); err != nil {
			return nil, err
		}
	} else if key, err = store.LoadOrCreateKey(dir); err != nil {
		return nil, err
	}
	cfg := store.Config{DSN: s.dsn(env), DataDir: dir, Key: key, Now: env.Now, EvidenceQuota: s.evidenceQuota}
	st, err := store.Open(ctx, cfg)
	if errors.Is(err, store.ErrWrongKey) && s.keyFile == "" {
		if st, err = finishRotation(ctx, env, dir, cfg); st != nil {
			return st, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ouverture de la base : %w", err)
	}
	return st, nil
}

// finishRotation opens the store with DATA/vigie.key.new and, when that
// key is the right one, makes it DATA/vigie.key.
func finishRotation(ctx context.Context, env *Env, dir string, cfg store.Config) (*store.Store, error) {
	next := filepath.Join(dir, store.KeyFile+".new")
	b, err := os.ReadFile(next)
	if err != nil {
		return nil, store.ErrWrongKey
	}
	key, err := store.ParseKeyFile(next, b)
	if err != nil {
		return nil, err
	}
	cfg.Key = key
	st, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(next, filepath.Join(dir, store.KeyFile)); err != nil {
		st.Close()
		return nil, fmt.Errorf("fin de la rotation de clé : %w", err)
	}
	fmt.Fprintf(env.Stderr, "vigie : rotation de clé interrompue terminée : %s remplace l'ancienne clé\n", store.KeyFile)
	return st, nil
}

// actor is who records a change: --by, else the login name.
func actor(env *Env, by string) string {
	if by != "" {
		return by
	}
	if u := env.Getenv("USER"); u != "" {
		return u
	}
	return "vigie"
}
