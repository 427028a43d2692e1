package web

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"vigie/internal/store"
)

// CheckLogin says, in French, why a login is refused: 1 to 64 characters
// among letters, digits, '.', '-', '_' and '@'.
func CheckLogin(login string) error {
	if login == "" || len(login) > 64 {
		return fmt.Errorf("identifiant %q : 1 à 64 caractères attendus", login)
	}
	for _, r := range login {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_@", r))) {
			return fmt.Errorf("identifiant %q : caractère %q non autorisé (lettres, chiffres, . - _ @)", login, r)
		}
	}
	return nil
}

// CreateUser checks and creates an account with an argon2id hash of the
// password. by names who creates it, for the audit trail.
func CreateUser(ctx context.Context, st *store.Store, login string, role Role, scope, password, by string, p Argon2Params) error {
	if err := CheckLogin(login); err != nil {
		return err
	}
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	norm, err := NormalizeScope(ctx, st, role, scope)
	if err != nil {
		return err
	}
	hash, err := HashPassword(password, p)
	if err != nil {
		return err
	}
	return st.CreateWebUser(ctx, store.WebUser{Login: login, Role: string(role), Scope: norm, PasswordHash: hash}, by)
}

// SetPassword replaces an account's password (its sessions are closed).
func SetPassword(ctx context.Context, st *store.Store, login, password, by string, p Argon2Params) error {
	if err := CheckPasswordPolicy(password); err != nil {
		return err
	}
	hash, err := HashPassword(password, p)
	if err != nil {
		return err
	}
	return st.SetWebPassword(ctx, login, hash, by)
}

// IssueAPIToken creates a bearer token for an existing account and returns
// it; only its hash is stored, so it cannot be shown again.
func IssueAPIToken(ctx context.Context, st *store.Store, login, label, by string) (string, error) {
	if _, err := st.WebUser(ctx, login); err != nil {
		return "", err
	}
	tok, hash, err := NewAPIToken()
	if err != nil {
		return "", err
	}
	if err := st.CreateAPIToken(ctx, login, hash, label, by); err != nil {
		return "", err
	}
	return tok, nil
}
