package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"vigie/internal/store"
)

// storeFlags are --data and --database, shared by every command that reads
// or writes the database.
type storeFlags struct {
	data     string
	database string
	keyFile  string
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.data, "data", "", "dossier des données (base SQLite intégrée, clé de chiffrement) ; défaut : $XDG_DATA_HOME/vigie")
	fs.StringVar(&s.database, "database", "", "base partagée PostgreSQL (postgres://…) ; défaut : $VIGIE_DATABASE, sinon SQLite")
	fs.StringVar(&s.keyFile, "key-file", "", "clé de chiffrement des rapports (32 octets) ; défaut : DATA/vigie.key, créée au premier usage")
}

// open opens the store these flags designate.
func (s *storeFlags) open(ctx context.Context, env *Env) (*store.Store, error) {
	dir := s.data
	if dir == "" {
		dir = env.Getenv("VIGIE_DATA")
	}
	if dir == "" {
		d, err := store.DefaultDataDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("dossier des données %s : %w", dir, err)
	}
	dsn := s.database
	if dsn == "" {
		dsn = env.Getenv("VIGIE_DATABASE")
	}
	var key []byte
	var err error
	if s.keyFile != "" {
		key, err = os.ReadFile(s.keyFile)
		if err == nil && len(key) != 32 {
			err = errors.New("la clé doit faire exactement 32 octets")
		}
		if err != nil {
			return nil, inputErr(fmt.Errorf("--key-file %s : %w", s.keyFile, err))
		}
	} else if key, err = store.LoadOrCreateKey(dir); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, store.Config{DSN: dsn, DataDir: dir, Key: key, Now: env.Now})
	if err != nil {
		return nil, fmt.Errorf("ouverture de la base : %w", err)
	}
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
