package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"vigie/internal/care"
)

// RecordADAudit stores an AD audit declared in the web application (an
// official ADS result, say) and, when ev is not nil, its report file as an
// evidence file of the applicant attached to the audit — all in one
// transaction, so that nothing is half-stored. The audit ID is set here and
// returned; report is the full report kept sealed. The actor is the one
// set by WithActor.
func (s *Store) RecordADAudit(ctx context.Context, a care.ADAudit, report []byte, ev *EvidenceFile, evData []byte) (string, error) {
	a.ID = newID("ad")
	sealed, err := s.seal(report, aadOf(reportAD, a.ID))
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit AD : %w", err)
	}
	var evSealed [][]byte
	if ev != nil {
		if err := prepareEvidence(s, ev, evData); err != nil {
			return "", err
		}
		ev.Target = "audit-ad:" + a.ID
		if evSealed, err = s.sealEvidence(ev.ID, evData); err != nil {
			return "", fmt.Errorf("enregistrement de la pièce justificative : %w", err)
		}
	}
	err = s.writeCached(ctx, func(tx *wtx) error {
		if err := mustExist(ctx, tx.Tx, "annuaire", "directories", "id", a.Directory); err != nil {
			return err
		}
		uid := newID("ada")
		if _, err := upsertRow(ctx, tx, "ad_audits", []col{{"uid", uid}}, append(adAuditCols(a), col{"stored", true}), true); err != nil {
			return err
		}
		if _, err := replaceList(ctx, tx, "ad_audit_checks", "audit", "check_id", uid, a.FailedChecks, listFreshRows); err != nil {
			return fmt.Errorf("points de contrôle : %w", err)
		}
		if err := s.putReport(ctx, tx, reportAD, a.ID, sealed); err != nil {
			return err
		}
		if err := s.trail(ctx, tx.Tx, actorOf(ctx), ActionSaveAD, a.ID,
			fmt.Sprintf("annuaire %s, %s, %s, source %s", a.Directory, a.Date, a.LevelText(), a.Source)); err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		return s.insertEvidence(ctx, tx.Tx, *ev, evSealed)
	})
	if err != nil {
		return "", fmt.Errorf("enregistrement de l'audit AD : %w", err)
	}
	return a.ID, nil
}

// prepareEvidence checks an evidence file and sets its ID, size, digest and date.
func prepareEvidence(s *Store, f *EvidenceFile, data []byte) error {
	if f.Applicant == "" || f.Name == "" || f.ContentType == "" {
		return errors.New("enregistrement de la pièce justificative : dossier, nom ou type manquant")
	}
	f.ID = newID("pj")
	f.Size = int64(len(data))
	sum := sha256.Sum256(data)
	f.SHA256 = hex.EncodeToString(sum[:])
	f.UploadedAt = s.now().UTC()
	return nil
}

// RecordExposureAudits stores exposure audits declared in the web
// application (a manual entry, or every audit of one uploaded file, whose
// content is kept sealed as the report of each) in one transaction: all or
// none. Empty IDs get fresh ones; an ID already stored is refused
// (ErrExists). The IDs are returned; the actor is set by WithActor.
func (s *Store) RecordExposureAudits(ctx context.Context, as []care.ExposureAudit, report []byte) ([]string, error) {
	if len(as) == 0 {
		return nil, errors.New("enregistrement des audits d'exposition : aucun audit")
	}
	sealed := make([][]byte, len(as))
	for i := range as {
		if len(as[i].Entities) == 0 {
			return nil, errors.New("enregistrement de l'audit d'exposition : aucun établissement dans le périmètre")
		}
		if as[i].ID == "" {
			as[i].ID = newID("ex")
		}
		var err error
		if sealed[i], err = s.seal(report, aadOf(reportExposure, as[i].ID)); err != nil {
			return nil, fmt.Errorf("enregistrement de l'audit d'exposition : %w", err)
		}
	}
	err := s.writeCached(ctx, func(tx *wtx) error {
		for i, a := range as {
			for _, f := range a.Entities {
				if err := mustExist(ctx, tx.Tx, "établissement", "entities", "finess", string(f)); err != nil {
					return err
				}
			}
			if err := refuseExisting(ctx, tx, "exposure_audits", reportExposure, a.ID); err != nil {
				return fmt.Errorf("audit %s : %w", a.ID, err)
			}
			uid := newID("exa")
			if _, err := upsertRow(ctx, tx, "exposure_audits", []col{{"uid", uid}}, append(exposureAuditCols(a), col{"stored", true}), true); err != nil {
				return err
			}
			if _, err := replaceList(ctx, tx, "exposure_audit_entities", "audit", "finess", uid, finessStrings(a.Entities), listFreshRows); err != nil {
				return fmt.Errorf("périmètre : %w", err)
			}
			if err := s.putReport(ctx, tx, reportExposure, a.ID, sealed[i]); err != nil {
				return err
			}
			if err := s.trail(ctx, tx.Tx, actorOf(ctx), ActionSaveExposure, a.ID,
				fmt.Sprintf("%s, %s, source %s", entitiesKey(a.Entities), a.Date, a.Source)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("enregistrement des audits d'exposition : %w", err)
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids, nil
}
