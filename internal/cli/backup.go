package cli

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"vigie/internal/french"
	"vigie/internal/store"
)

// runBackup runs « vigie backup FICHIER »: an online copy of the SQLite
// database (the server may run meanwhile).
func runBackup(ctx context.Context, env *Env, args []string) error {
	const usage = "backup FICHIER [--data DOSSIER]"
	fs := newFlags(env, "backup", usage)
	var sf storeFlags
	sf.register(fs)
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup : indiquez le fichier de sauvegarde à créer (usage : vigie %s)", usage)
	}
	if isPostgres(sf.dsn(env)) {
		return inputErr(store.ErrBackupPostgres)
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, pos[0]); err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(env.Stdout, "Sauvegarde écrite dans %s.\n", pos[0])
	fmt.Fprintln(env.Stderr, "Rappel : la clé de chiffrement (vigie.key du dossier des données, ou --key-file) n'est pas dans la sauvegarde : conservez-la à part, en lieu sûr ; sans elle les rapports et pièces sont illisibles.")
	return nil
}

// runRestore runs « vigie restore FICHIER »: the backup replaces the
// SQLite database of the data directory (no server running on it).
func runRestore(ctx context.Context, env *Env, args []string) error {
	const usage = "restore FICHIER [--data DOSSIER] [--key-file CLÉ] [--force]"
	fs := newFlags(env, "restore", usage)
	var sf storeFlags
	sf.register(fs)
	force := fs.Bool("force", false, "remplacer la base existante (elle est gardée sous vigie.db.avant-restauration)")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore : indiquez le fichier de sauvegarde (usage : vigie %s)", usage)
	}
	if isPostgres(sf.dsn(env)) {
		return inputErr(store.ErrBackupPostgres)
	}
	dir, err := sf.dataDir(env)
	if err != nil {
		return err
	}
	var key []byte
	if sf.keyFile != "" {
		if key, err = readKeyFile(sf.keyFile); err != nil {
			return err
		}
	} else {
		path := filepath.Join(dir, store.KeyFile)
		b, err := os.ReadFile(path)
		if errors.Is(err, iofs.ErrNotExist) {
			return inputErr(fmt.Errorf("aucune clé dans %s : copiez-y d'abord la clé sauvegardée (%s), ou indiquez --key-file", dir, store.KeyFile))
		}
		if err != nil {
			return err
		}
		if key, err = store.ParseKeyFile(path, b); err != nil {
			return inputErr(err)
		}
	}
	target := filepath.Join(dir, "vigie.db")
	if sf.database != "" {
		target = strings.TrimPrefix(strings.TrimPrefix(sf.database, "sqlite:"), "//")
	}
	if _, err := os.Stat(target); err == nil && !*force {
		return inputErr(fmt.Errorf("une base existe déjà (%s) : arrêtez le serveur puis relancez avec --force pour la remplacer (l'ancienne est gardée sous %s.avant-restauration)", target, filepath.Base(target)))
	}
	if err := store.Restore(ctx, pos[0], target, key); err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(env.Stdout, "Base restaurée depuis %s dans %s.\n", pos[0], target)
	return nil
}

// runKey runs « vigie key rotate »: every sealed value is re-encrypted
// with a new key, in one transaction. The new key is written to
// vigie.key.new first, then replaces vigie.key once the transaction is
// committed; an interruption in between is finished at the next opening.
func runKey(ctx context.Context, env *Env, args []string) error {
	const usage = "key rotate [--data DOSSIER | --key-file CLÉ --new-key-file NOUVELLE]"
	if len(args) == 0 || args[0] != "rotate" {
		if len(args) > 0 && (isHelp(args[0]) || args[0] == "help") {
			fmt.Fprintf(env.Stdout, "Usage : vigie %s\n\n  rotate  rechiffrer rapports, connexions et pièces justificatives avec une nouvelle clé\n", usage)
			return nil
		}
		return usagef("key : sous-commande attendue : rotate (usage : vigie %s)", usage)
	}
	fs := newFlags(env, "key rotate", usage)
	var sf storeFlags
	sf.register(fs)
	newKeyFile := fs.String("new-key-file", "", "avec --key-file : fichier (nouveau) où écrire la nouvelle clé (32 octets)")
	pos, err := parse(env, fs, usage, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("key rotate : argument inattendu %q", pos[0])
	}
	if (sf.keyFile == "") != (*newKeyFile == "") {
		return usagef("key rotate : --key-file et --new-key-file vont ensemble (sans eux : la clé du dossier des données)")
	}
	key, err := store.NewKey()
	if err != nil {
		return err
	}
	dir, err := sf.dataDir(env)
	if err != nil {
		return err
	}
	managed := sf.keyFile == ""
	next := *newKeyFile
	if managed {
		next = filepath.Join(dir, store.KeyFile+".new")
		os.Remove(next) // a stale one from a rotation that never committed
		if err := store.WriteKeyFile(next, key); err != nil {
			return err
		}
	} else if err := writeRawKey(next, key); err != nil {
		return inputErr(err)
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	stats, err := st.RotateKey(store.WithActor(ctx, "cli:"+actor(env, "")), key)
	st.Close()
	if err != nil {
		os.Remove(next)
		return err
	}
	if managed {
		if err := os.Rename(next, filepath.Join(dir, store.KeyFile)); err != nil {
			return fmt.Errorf("la base est rechiffrée avec %s, qui n'a pas pu remplacer %s : renommez-la à la main : %w", next, store.KeyFile, err)
		}
	}
	fmt.Fprintf(env.Stdout, "Clé remplacée ; rechiffrés avec la nouvelle clé : %s, %s, %s (%s).\n",
		french.Plural(stats.Reports, "rapport", "rapports"), french.Plural(stats.Connections, "connexion", "connexions"),
		french.Plural(stats.EvidenceFiles, "pièce justificative", "pièces justificatives"), french.Plural(stats.EvidenceChunks, "partie", "parties"))
	if !managed {
		fmt.Fprintf(env.Stdout, "Utilisez désormais --key-file %s ; l'ancienne clé ne sert plus.\n", next)
	}
	return nil
}

// writeRawKey writes a raw 32-byte key to a new file (0600).
func writeRawKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("--new-key-file %s : %w", path, err)
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
