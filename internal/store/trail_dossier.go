package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Actions recorded in the audit trail (the first ones change no fact of
// any dossier — accounts, tokens, connections, jobs, failed logins,
// perimeters and controllers, schedules, alert subscriptions, key
// rotation — see changesNoFacts).
const (
	ActionADConnection = "connexion_annuaire"
	ActionJobPrefix    = "tache_"
	ActionJobPerimeter = "perimetre_tache" // the perimeter text of a queued audit
	ActionSchedule     = "planification"   // an audit schedule
	ActionKeyRotation  = "rotation_cle"
	ActionGovernance   = "gouvernance"
	ActionStep         = "étape du dossier"
	ActionLoginFailed  = "connexion_echouee"
	// ActionAlertSubscription: a subscription to alerts (an account's own).
	ActionAlertSubscription = "abonnement_alerte"
	// ActionJobCancel: an audit job cancelled from the web application.
	ActionJobCancel = ActionJobPrefix + "annulee"
)

type dossierKey struct{}

// WithDossier returns a context naming the dossier (applicant ID) the
// writes made with it concern; the audit trail records it. Without it,
// the trail derives the dossier from the action and its object where it
// can (see trailDossier).
func WithDossier(ctx context.Context, applicant string) context.Context {
	return context.WithValue(ctx, dossierKey{}, applicant)
}

// changesNoFacts reports whether an action leaves every dossier's facts as
// they were (what LoadFacts reads): accounts (compte_…), tokens (jeton_…),
// sessions, jobs and their perimeters, AD connections, declared exposure
// perimeters and domain controllers, schedules, alert subscriptions, key
// rotation, failed logins. Such an action without a dossier leaves the cached dossiers
// valid; any other action without one makes them all stale.
func changesNoFacts(action string) bool {
	switch {
	case strings.HasPrefix(action, "compte_"), strings.HasPrefix(action, "jeton_"), strings.HasPrefix(action, ActionJobPrefix):
		return true
	}
	switch action {
	case ActionADConnection, ActionLoginFailed, ActionLogoutAll, ActionJobPerimeter, ActionSchedule, ActionKeyRotation,
		ActionPerimeter, ActionControllers, ActionAlertSubscription:
		return true
	}
	return false
}

// trailDossier finds, inside the write transaction, the dossier an audit
// trail entry concerns: the one named by WithDossier, else the one its
// object designates (an applicant, an entity, a directory, an audit). It
// returns "" when the write concerns several dossiers or none is known.
func trailDossier(ctx context.Context, tx *sql.Tx, action, object string) (string, error) {
	if v, ok := ctx.Value(dossierKey{}).(string); ok && v != "" {
		return v, nil
	}
	one := func(q string, arg string) (string, error) {
		rows, err := tx.QueryContext(ctx, q, arg)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		found := ""
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				return "", err
			}
			if found != "" && found != a {
				return "", nil // several dossiers
			}
			found = a
		}
		return found, rows.Err()
	}
	switch {
	case action == ActionImport, action == ActionGovernance, action == ActionStep, action == ActionEvidence,
		strings.HasPrefix(action, ActionJobPrefix):
		return object, nil
	case action == ActionADConnection, action == ActionControllers:
		app, _, _ := strings.Cut(object, "/")
		return app, nil
	case action == ActionExercise, action == ActionBudget, action == ActionOSIS, action == ActionEntity, action == ActionPerimeter:
		return one(`SELECT applicant FROM applicant_entities WHERE finess = $1`, object)
	case action == ActionDirectory:
		return one(`SELECT applicant FROM directories WHERE id = $1`, object)
	case action == ActionSaveAD:
		return one(`SELECT d.applicant FROM ad_audits a JOIN directories d ON d.id = a.directory WHERE a.id = $1`, object)
	case action == ActionSaveExposure:
		return one(`SELECT DISTINCT ae.applicant FROM exposure_audits a
			JOIN exposure_audit_entities x ON x.audit = a.uid
			JOIN applicant_entities ae ON ae.finess = x.finess WHERE a.id = $1`, object)
	}
	return "", nil
}

// Changes says what changed in the data after a version.
type Changes struct {
	// Version is the current data version.
	Version int64
	// All is true when a change may concern any dossier (its dossier is
	// unknown): every cached dossier is then stale.
	All bool
	// Dossiers lists the applicants whose facts changed.
	Dossiers []string
}

// ChangesSince returns the data version and the dossiers whose facts
// changed after version since, read in one snapshot.
func (s *Store) ChangesSince(ctx context.Context, since int64) (Changes, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return Changes{}, err
	}
	defer tx.Rollback()
	var c Changes
	if err := tx.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&c.Version); err != nil {
		return Changes{}, errors.Join(errors.New("version des données"), err)
	}
	if c.Version == since {
		return c, nil
	}
	if c.Version < since {
		c.All = true // the database went back (restored): nothing cached holds
		return c, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT action, dossier FROM audit_trail WHERE data_version > $1 AND data_version <= $2`, since, c.Version)
	if err != nil {
		return Changes{}, errors.Join(errors.New("journal d'audit"), err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	n := 0
	for rows.Next() {
		var action, dossier string
		if err := rows.Scan(&action, &dossier); err != nil {
			return Changes{}, err
		}
		n++
		switch {
		case dossier != "":
			if !seen[dossier] {
				seen[dossier] = true
				c.Dossiers = append(c.Dossiers, dossier)
			}
		case !changesNoFacts(action):
			c.All = true
		}
	}
	if err := rows.Err(); err != nil {
		return Changes{}, err
	}
	if n == 0 {
		// Versions bumped by entries written before the trail recorded
		// versions (or by hand): assume anything changed.
		c.All = true
	}
	return c, nil
}
