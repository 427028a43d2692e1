package web

import (
	"context"
	"fmt"
	"strings"
	"time"
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

// IssueAPIToken creates a bearer token for an existing account, valid for
// store.DefaultTokenTTL, and returns it; only its hash is stored, so it
// cannot be shown again.
func IssueAPIToken(ctx context.Context, st *store.Store, login, label, by string) (string, error) {
	tok, _, err := IssueAPITokenFor(ctx, st, login, label, by, store.DefaultTokenTTL, time.Now())
	return tok, err
}

// MaxTokenTTL is the longest validity of an API token.
const MaxTokenTTL = 366 * 24 * time.Hour

// IssueAPITokenFor creates a bearer token valid for ttl from now (at most
// MaxTokenTTL) and returns it with its expiry. The token is shown once.
func IssueAPITokenFor(ctx context.Context, st *store.Store, login, label, by string, ttl time.Duration, now time.Time) (string, time.Time, error) {
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", time.Time{}, fmt.Errorf("durée de validité du jeton : entre 1 jour et %d jours", int(MaxTokenTTL.Hours()/24))
	}
	if len(label) > 200 {
		return "", time.Time{}, fmt.Errorf("libellé du jeton trop long (200 caractères au plus)")
	}
	u, err := st.WebUser(ctx, login)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Disabled() {
		return "", time.Time{}, fmt.Errorf("compte %s désactivé : aucun jeton ne peut lui être créé", login)
	}
	tok, hash, err := NewAPIToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := now.Add(ttl).UTC().Truncate(time.Second)
	if _, err := st.CreateAPITokenUntil(ctx, login, hash, label, by, expires); err != nil {
		return "", time.Time{}, err
	}
	return tok, expires, nil
}
