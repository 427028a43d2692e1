package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"vigie/internal/ad/adcare"
	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/dossier"
	"vigie/internal/org"
	"vigie/internal/store"
)

// DemoAccount is an account created for the demonstration, with its
// generated password (shown once, at start).
type DemoAccount struct {
	Login, Password string
	Role            Role
	Scope           string
	Note            string // French description
}

// demoAccounts are the demonstration accounts on the demo GHT.
var demoAccounts = []DemoAccount{
	{Login: "admin", Role: RoleAdmin, Note: "administrateur, tous les dossiers"},
	{Login: "referent-ght", Role: RoleGHT, Scope: "CVL-99", Note: "référent du GHT CVL-99"},
	{Login: "rssi-valmont", Role: RoleEstablishment, Scope: "010000016", Note: "RSSI du CH de Valmont (EJ 010000016)"},
	{Login: "rssi-rivebelle", Role: RoleEstablishment, Scope: "010000040", Note: "RSSI du CH de Rivebelle (EJ 010000040)"},
	{Login: "ars-cvl", Role: RoleARS, Scope: "Centre-Val de Loire", Note: "ARS Centre-Val de Loire, lecture seule"},
	{Login: "auditeur", Role: RoleAuditor, Scope: "CVL-99", Note: "auditeur du GHT CVL-99, lecture seule"},
}

// passwordAlphabet leaves out look-alike characters.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password of n characters.
func GeneratePassword(n int) (string, error) {
	b := make([]byte, n)
	max := big.NewInt(int64(len(passwordAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("aléa : %w", err)
		}
		b[i] = passwordAlphabet[k.Int64()]
	}
	return string(b), nil
}

// SetupDemo imports the demo GHT (idempotent) and creates the demo
// accounts, or gives existing ones a new password. It returns the accounts
// with their passwords.
func SetupDemo(ctx context.Context, st *store.Store, p Argon2Params) ([]DemoAccount, error) {
	facts, err := dossier.Read(bytes.NewReader(demo.GHTDossier()))
	if err != nil {
		return nil, fmt.Errorf("dossier de démonstration : %w", err)
	}
	if _, err := st.ImportFacts(ctx, *facts, "demo"); err != nil {
		return nil, fmt.Errorf("import du dossier de démonstration : %w", err)
	}
	if err := saveDemoReports(ctx, st); err != nil {
		return nil, err
	}
	out := make([]DemoAccount, 0, len(demoAccounts))
	for _, a := range demoAccounts {
		if a.Password, err = GeneratePassword(16); err != nil {
			return nil, err
		}
		hash, err := HashPassword(a.Password, p)
		if err != nil {
			return nil, err
		}
		scope, err := NormalizeScope(ctx, st, a.Role, a.Scope)
		if err != nil {
			return nil, fmt.Errorf("compte %s : %w", a.Login, err)
		}
		err = st.CreateWebUser(ctx, store.WebUser{Login: a.Login, Role: string(a.Role), Scope: scope, PasswordHash: hash}, "demo")
		if errors.Is(err, store.ErrDuplicate) {
			err = st.SetWebPassword(ctx, a.Login, hash, "demo")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// saveDemoReports stores the demo's full Vigie audit reports (AD and
// exposure) under fixed IDs, once; a store without a key keeps none.
func saveDemoReports(ctx context.Context, st *store.Store) error {
	ctx = store.WithActor(ctx, "demo")
	for i, r := range demo.ADReports() {
		blob, err := json.Marshal(r.Report)
		if err != nil {
			return err
		}
		a := adcare.Audit(r.Report.Summary(), fmt.Sprintf("vigie-demo-ad-%d", i+1), r.Directory, parisZone())
		if _, err := st.SaveADAudit(ctx, a, blob); err != nil && !errors.Is(err, store.ErrExists) {
			if errors.Is(err, store.ErrNoKey) {
				return nil
			}
			return fmt.Errorf("rapport AD de démonstration : %w", err)
		}
	}
	for i, x := range demo.ExposureAudits() {
		blob, err := json.Marshal(x)
		if err != nil {
			return err
		}
		var ents []org.FINESS
		for _, e := range x.Perimeter.Entities {
			ents = append(ents, org.FINESS(e))
		}
		a := care.ExposureAudit{ID: fmt.Sprintf("vigie-demo-exposition-%d", i+1), Entities: ents, Date: civil.Of(x.FinishedAt.In(parisZone())),
			CompletePerimeter: x.Complete, Source: care.SourceVigie,
			Counts: &care.Counts{Critical: x.Summary.Critical, High: x.Summary.High, Medium: x.Summary.Medium, Low: x.Summary.Low, Info: x.Summary.Info}}
		if _, err := st.SaveExposureAudit(ctx, a, blob); err != nil && !errors.Is(err, store.ErrExists) {
			if errors.Is(err, store.ErrNoKey) {
				return nil
			}
			return fmt.Errorf("audit d'exposition de démonstration : %w", err)
		}
	}
	return nil
}
