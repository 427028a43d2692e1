package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"vigie/internal/french"
)

// WebSession is a browser session. TokenHash is the SHA-256 of the cookie
// value (hex): the token itself is never stored.
type WebSession struct {
	TokenHash string
	Login     string
	// CSRF is the SHA-256 (hex) of the per-session token every form must
	// send back: the token itself is never stored either.
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	// LastSeen is the last request of the session (idle timeout).
	LastSeen time.Time
	// DataVersion is the store's data version (see DataVersion), read by
	// WebSessionByHash in the same query: a page needs both, and one
	// round trip to the database instead of two matters under load.
	DataVersion int64
}

// CreateWebSession stores a new session and removes the sessions expired
// at its creation time.
func (s *Store) CreateWebSession(ctx context.Context, ss WebSession) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_at <= $1`, webTime(ss.CreatedAt)); err != nil {
			return fmt.Errorf("purge des sessions : %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, login, csrf, created_at, expires_at, last_seen)
			VALUES ($1, $2, $3, $4, $5, $4)`, ss.TokenHash, ss.Login, ss.CSRF, webTime(ss.CreatedAt), webTime(ss.ExpiresAt)); err != nil {
			return fmt.Errorf("création de session pour %s : %w", ss.Login, err)
		}
		return nil
	})
}

// WebSessionByHash returns the session with that token hash, unexpired at
// now, and its account (ErrNotFound when absent or expired). The caller
// gives the time: the web application has its own clock.
func (s *Store) WebSessionByHash(ctx context.Context, tokenHash string, now time.Time) (WebSession, WebUser, error) {
	var ss WebSession
	var u WebUser
	var created, expires, seen string
	err := s.r.QueryRowContext(ctx, `SELECT s.token_hash, s.login, s.csrf, s.created_at, s.expires_at, s.last_seen, u.role, u.scope,
		(SELECT version FROM data_version WHERE id = 1)
		FROM web_sessions s JOIN web_users u ON u.login = s.login
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at = ''`, tokenHash, webTime(now)).
		Scan(&ss.TokenHash, &ss.Login, &ss.CSRF, &created, &expires, &seen, &u.Role, &u.Scope, &ss.DataVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return WebSession{}, WebUser{}, fmt.Errorf("session : %w", ErrNotFound)
	}
	if err != nil {
		return WebSession{}, WebUser{}, fmt.Errorf("lecture de session : %w", err)
	}
	ss.CreatedAt, _ = time.Parse(webTimeLayout, created)
	ss.ExpiresAt, _ = time.Parse(webTimeLayout, expires)
	ss.LastSeen, _ = time.Parse(webTimeLayout, seen)
	u.Login = ss.Login
	return ss, u, nil
}

// TouchWebSession records a request of the session at now (idle timeout).
func (s *Store) TouchWebSession(ctx context.Context, tokenHash string, now time.Time) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE web_sessions SET last_seen = $1 WHERE token_hash = $2`, webTime(now), tokenHash); err != nil {
		return fmt.Errorf("activité de session : %w", err)
	}
	return nil
}

// DeleteWebSessions ends every session of an account (« se déconnecter
// partout ») and returns how many there were.
func (s *Store) DeleteWebSessions(ctx context.Context, login, by string) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE login = $1`, login)
		if err != nil {
			return fmt.Errorf("sessions de %s : %w", login, err)
		}
		n, _ = res.RowsAffected()
		return s.trail(ctx, tx, by, ActionLogoutAll, login, french.Plural(int(n), "session fermée", "sessions fermées"))
	})
	return n, err
}

// ActionLogoutAll is the audit trail action of « se déconnecter partout ».
const ActionLogoutAll = "deconnexion_partout"

// CreatePreSession stores the hash of a login form's pre-session token,
// and purges the expired ones.
func (s *Store) CreatePreSession(ctx context.Context, tokenHash string, now, expires time.Time) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_presessions WHERE expires_at <= $1`, webTime(now)); err != nil {
			return fmt.Errorf("purge des pré-sessions : %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_presessions (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`,
			tokenHash, webTime(now), webTime(expires)); err != nil {
			return fmt.Errorf("pré-session : %w", err)
		}
		return nil
	})
}

// PreSessionValid reports whether a pre-session exists, unexpired at now.
func (s *Store) PreSessionValid(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM web_presessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, webTime(now)).Scan(&n); err != nil {
		return false, fmt.Errorf("pré-session : %w", err)
	}
	return n > 0, nil
}

// DeletePreSession ends a pre-session (after a login).
func (s *Store) DeletePreSession(ctx context.Context, tokenHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM web_presessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("pré-session : %w", err)
	}
	return nil
}

// DeleteWebSession ends a session (logout). Deleting an unknown session is
// not an error.
func (s *Store) DeleteWebSession(ctx context.Context, tokenHash string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("fin de session : %w", err)
	}
	return nil
}

// CreateAPIToken stores the hash of a new API token for an account,
// valid for DefaultTokenTTL.
func (s *Store) CreateAPIToken(ctx context.Context, login, tokenHash, label, by string) error {
	_, err := s.CreateAPITokenUntil(ctx, login, tokenHash, label, by, s.now().Add(DefaultTokenTTL))
	return err
}

// APITokenUser returns the enabled account an API token hash belongs to,
// when the token is neither expired nor revoked at now (ErrNotFound
// otherwise), and records the token's use (at most once a minute).
func (s *Store) APITokenUser(ctx context.Context, tokenHash string, now time.Time) (WebUser, error) {
	var u WebUser
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM web_tokens WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return WebUser{}, fmt.Errorf("jeton API : %w", ErrNotFound)
	}
	if err != nil {
		return WebUser{}, fmt.Errorf("lecture du jeton API : %w", err)
	}
	if !t.Active(now) {
		return WebUser{}, fmt.Errorf("jeton API expiré ou révoqué : %w", ErrNotFound)
	}
	err = s.r.QueryRowContext(ctx, `SELECT login, role, scope FROM web_users WHERE login = $1 AND disabled_at = ''`, t.Login).
		Scan(&u.Login, &u.Role, &u.Scope)
	if errors.Is(err, sql.ErrNoRows) {
		return WebUser{}, fmt.Errorf("jeton API d'un compte désactivé : %w", ErrNotFound)
	}
	if err != nil {
		return WebUser{}, fmt.Errorf("lecture du jeton API : %w", err)
	}
	if now.Sub(t.LastUsedAt) > time.Minute {
		if _, err := s.w.ExecContext(ctx, `UPDATE web_tokens SET last_used_at = $1 WHERE id = $2`, webTime(now), t.ID); err != nil {
			return WebUser{}, fmt.Errorf("utilisation du jeton API : %w", err)
		}
	}
	return u, nil
}
