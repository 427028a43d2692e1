package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"vigie/internal/demo"
	"vigie/internal/dossier"
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
