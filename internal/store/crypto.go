package store

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// keySize is the AES-256 key length.
const keySize = 32

// KeyFile is the name of the key file LoadOrCreateKey manages in the data directory.
const KeyFile = "vigie.key"

// Errors about the encryption of stored reports.
var (
	ErrNoKey    = errors.New("aucune clé de chiffrement configurée : les rapports d'audit ne peuvent être ni enregistrés ni lus")
	ErrWrongKey = errors.New("clé de chiffrement incorrecte pour cette base (ou donnée chiffrée altérée)")
)

// keyCheckPlain is sealed with the key on first use, so that a later Open
// with another key fails at once instead of when a report is read.
const keyCheckPlain = "vigie key check v1"

// LoadOrCreateKey returns the report encryption key kept in
// dataDir/vigie.key (64 hexadecimal digits), creating the directory (0700)
// and the file (0600) with a random key on first use. It refuses a key file
// that group or others may read or write.
func LoadOrCreateKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(dataDir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la clé %s : %w", path, err)
	}
	return checkKeyFile(path, b)
}

func createKey(dataDir, path string) ([]byte, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("création du répertoire %s : %w", dataDir, err)
	}
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("génération de la clé : %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it meanwhile: use that one.
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("lecture de la clé %s : %w", path, err)
		}
		return checkKeyFile(path, b)
	}
	if err != nil {
		return nil, fmt.Errorf("création de la clé %s : %w", path, err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("écriture de la clé %s : %w", path, err)
	}
	return key, nil
}

// ParseKeyFile checks a key file's rights (0600 or stricter) and content
// (64 hexadecimal digits) and returns the key.
func ParseKeyFile(path string, b []byte) ([]byte, error) { return checkKeyFile(path, b) }

// WriteKeyFile writes key to a new file path (64 hexadecimal digits, mode
// 0600, synced to disk): a key file LoadOrCreateKey reads.
func WriteKeyFile(path string, key []byte) error {
	if len(key) != keySize {
		return fmt.Errorf("clé : %d octets au lieu de %d", len(key), keySize)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("création de la clé %s : %w", path, err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("écriture de la clé %s : %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// NewKey returns a random encryption key.
func NewKey() ([]byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("génération de la clé : %w", err)
	}
	return key, nil
}

func checkKeyFile(path string, b []byte) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("clé %s : %w", path, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("clé %s accessible à d'autres utilisateurs (droits %04o) : refusée ; corrigez avec chmod 600", path, perm)
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) != keySize {
		return nil, fmt.Errorf("clé %s illisible : %d chiffres hexadécimaux attendus", path, 2*keySize)
	}
	return key, nil
}

// seal encrypts plain with AES-256-GCM; aad binds the ciphertext to its
// row so that blobs cannot be swapped between reports.
func (s *Store) seal(plain []byte, aad string) ([]byte, error) {
	if s.key == nil {
		return nil, ErrNoKey
	}
	gcm, err := newGCM(s.key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plain)+gcm.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce : %w", err)
	}
	return gcm.Seal(nonce, nonce, plain, []byte(aad)), nil
}

// unseal decrypts what seal produced; any mismatch yields ErrWrongKey.
func (s *Store) unseal(sealed []byte, aad string) ([]byte, error) {
	if s.key == nil {
		return nil, ErrNoKey
	}
	gcm, err := newGCM(s.key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize()+gcm.Overhead() {
		return nil, ErrWrongKey
	}
	n := gcm.NonceSize()
	plain, err := gcm.Open(nil, sealed[:n], sealed[n:], []byte(aad))
	if err != nil {
		return nil, ErrWrongKey
	}
	return plain, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("clé de chiffrement : %w", err)
	}
	return cipher.NewGCM(block)
}

// checkKey verifies the configured key against the sealed check value,
// storing one on first use.
func (s *Store) checkKey(ctx context.Context) error {
	if s.key == nil {
		return nil
	}
	var sealed []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'key_check'`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		v, err := s.seal([]byte(keyCheckPlain), "key_check")
		if err != nil {
			return err
		}
		err = s.writeTx(ctx, func(tx *sql.Tx) error {
			// A concurrent Open may have stored its own check: keep the first.
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING`, v)
			if err != nil {
				return fmt.Errorf("enregistrement du contrôle de clé : %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Verify against whatever check value won.
		return s.checkKey(ctx)
	}
	if err != nil {
		return fmt.Errorf("lecture du contrôle de clé : %w", err)
	}
	plain, err := s.unseal(sealed, "key_check")
	if err != nil || string(plain) != keyCheckPlain {
		return ErrWrongKey
	}
	return nil
}
