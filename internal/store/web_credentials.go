package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ADConnection is how Vigie reaches a directory for a collection: saved
// from the web application, sealed as a whole with the store key.
type ADConnection struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	TLS      string `json:"tls"` // ldaps, starttls or none
	User     string `json:"user"`
	Password string `json:"password"`
	// CAPEM is the certificate authority of the DC's certificate (PEM), or empty.
	CAPEM string `json:"ca_pem,omitempty"`
}

// ADConnectionInfo is what may be shown of a saved connection: who saved it and when.
type ADConnectionInfo struct {
	Directory string
	SavedBy   string
	SavedAt   time.Time
}

func aadConnection(applicant, directory string) string {
	return "vigie-ad-connection:" + applicant + ":" + directory
}

// SaveADConnection stores (or replaces) the connection of a directory of
// an applicant, sealed with the store key (ErrNoKey without one).
func (s *Store) SaveADConnection(ctx context.Context, applicant, directory string, c ADConnection, by string) error {
	plain, err := json.Marshal(c)
	if err != nil {
		return err
	}
	sealed, err := s.seal(plain, aadConnection(applicant, directory))
	if err != nil {
		return fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "dossier", "applicants", "id", applicant); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_ad_credentials WHERE applicant = $1 AND directory = $2`, applicant, directory); err != nil {
			return fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_ad_credentials (applicant, directory, sealed, saved_by, saved_at)
			VALUES ($1, $2, $3, $4, $5)`, applicant, directory, sealed, by, webTime(s.now())); err != nil {
			return fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
		}
		return s.trail(ctx, tx, by, ActionADConnection, applicant+"/"+directory, "connexion enregistrée (chiffrée)")
	})
}

// ADConnectionOf returns the decrypted connection of a directory
// (ErrNotFound when none is saved).
func (s *Store) ADConnectionOf(ctx context.Context, applicant, directory string) (ADConnection, error) {
	var sealed []byte
	err := s.r.QueryRowContext(ctx, `SELECT sealed FROM web_ad_credentials WHERE applicant = $1 AND directory = $2`,
		applicant, directory).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return ADConnection{}, fmt.Errorf("connexion à l'annuaire %s : %w", directory, ErrNotFound)
	}
	if err != nil {
		return ADConnection{}, fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
	}
	plain, err := s.unseal(sealed, aadConnection(applicant, directory))
	if err != nil {
		return ADConnection{}, fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
	}
	var c ADConnection
	if err := json.Unmarshal(plain, &c); err != nil {
		return ADConnection{}, fmt.Errorf("connexion à l'annuaire %s : %w", directory, err)
	}
	return c, nil
}

// ADConnections lists who saved the connections of an applicant's
// directories and when, without decrypting them.
func (s *Store) ADConnections(ctx context.Context, applicant string) ([]ADConnectionInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT directory, saved_by, saved_at FROM web_ad_credentials WHERE applicant = $1 ORDER BY directory`, applicant)
	if err != nil {
		return nil, fmt.Errorf("connexions du dossier %s : %w", applicant, err)
	}
	defer rows.Close()
	var out []ADConnectionInfo
	for rows.Next() {
		var i ADConnectionInfo
		var at string
		if err := rows.Scan(&i.Directory, &i.SavedBy, &at); err != nil {
			return nil, fmt.Errorf("connexions du dossier %s : %w", applicant, err)
		}
		i.SavedAt, _ = time.Parse(webTimeLayout, at)
		out = append(out, i)
	}
	return out, rows.Err()
}
