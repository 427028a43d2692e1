package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vigie/internal/org"
	"vigie/internal/store"
)

// Role is what an account may do; its scope says where.
type Role string

// Roles of the web application.
const (
	RoleAdmin         Role = "admin"         // everything, everywhere
	RoleGHT           Role = "ght"           // GHT referent: its GHT's dossier and members, read and write
	RoleEstablishment Role = "etablissement" // its EJ and the EJ's EG, read and write
	RoleARS           Role = "ars"           // its region, read only
	RoleAuditor       Role = "auditeur"      // read only, on a GHT, an establishment or a region (national when empty)
)

// Roles lists the roles in display order.
func Roles() []Role { return []Role{RoleAdmin, RoleGHT, RoleEstablishment, RoleARS, RoleAuditor} }

// French returns the label shown to users.
func (r Role) French() string {
	switch r {
	case RoleAdmin:
		return "administrateur"
	case RoleGHT:
		return "référent GHT"
	case RoleEstablishment:
		return "établissement"
	case RoleARS:
		return "ARS"
	case RoleAuditor:
		return "auditeur (lecture seule)"
	}
	return string(r)
}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("rôle %q inconnu (attendu admin, ght, etablissement, ars ou auditeur)", s)
}

// scopeKind is what a scope designates.
type scopeKind int

const (
	scopeAll scopeKind = iota
	scopeGHT
	scopeEntity
	scopeRegion
)

// Auditor scopes are stored with a prefix saying what they designate.
const (
	prefixGHT    = "ght:"
	prefixFINESS = "finess:"
	prefixRegion = "region:"
)

// NormalizeScope checks the scope given for a role when an account is
// created and returns the form to store. An auditor's scope is resolved:
// a FINESS number, else a stored GHT code, else a region name (empty: national).
func NormalizeScope(ctx context.Context, st *store.Store, role Role, scope string) (string, error) {
	scope = strings.TrimSpace(scope)
	switch role {
	case RoleAdmin:
		if scope != "" {
			return "", errors.New("un administrateur n'a pas de périmètre (--scope inutile)")
		}
		return "", nil
	case RoleGHT:
		if scope == "" {
			return "", errors.New("un référent GHT a pour périmètre le code de son GHT (--scope CODE)")
		}
		return scope, nil
	case RoleEstablishment:
		f, err := org.ParseFINESS(scope)
		if err != nil {
			return "", fmt.Errorf("périmètre d'un établissement : numéro FINESS de l'EJ attendu : %w", err)
		}
		return string(f), nil
	case RoleARS:
		if scope == "" {
			return "", errors.New("un compte ARS a pour périmètre sa région (--scope \"Centre-Val de Loire\")")
		}
		return scope, nil
	case RoleAuditor:
		if scope == "" {
			return "", nil
		}
		if f, err := org.ParseFINESS(scope); err == nil {
			return prefixFINESS + string(f), nil
		}
		if a, err := st.Applicant(ctx, scope); err == nil && a.Kind == store.ApplicantGHT {
			return prefixGHT + scope, nil
		}
		return prefixRegion + scope, nil
	}
	return "", fmt.Errorf("rôle %q inconnu", role)
}

// Principal is the authenticated user of a request, with the resolved scope.
type Principal struct {
	Login    string
	Role     Role
	kind     scopeKind
	value    string // GHT code, FINESS or region
	readOnly bool
}

// principalOf resolves an account's role and scope.
func principalOf(u store.WebUser) (*Principal, error) {
	p := &Principal{Login: u.Login, Role: Role(u.Role), value: u.Scope}
	switch p.Role {
	case RoleAdmin:
		p.kind = scopeAll
	case RoleGHT:
		p.kind = scopeGHT
	case RoleEstablishment:
		p.kind = scopeEntity
	case RoleARS:
		p.kind, p.readOnly = scopeRegion, true
	case RoleAuditor:
		p.readOnly = true
		switch {
		case u.Scope == "":
			p.kind = scopeAll
		case strings.HasPrefix(u.Scope, prefixGHT):
			p.kind, p.value = scopeGHT, strings.TrimPrefix(u.Scope, prefixGHT)
		case strings.HasPrefix(u.Scope, prefixFINESS):
			p.kind, p.value = scopeEntity, strings.TrimPrefix(u.Scope, prefixFINESS)
		case strings.HasPrefix(u.Scope, prefixRegion):
			p.kind, p.value = scopeRegion, strings.TrimPrefix(u.Scope, prefixRegion)
		default:
			return nil, fmt.Errorf("compte %s : périmètre d'auditeur illisible %q", u.Login, u.Scope)
		}
	default:
		return nil, fmt.Errorf("compte %s : rôle inconnu %q", u.Login, u.Role)
	}
	if p.kind != scopeAll && p.value == "" {
		return nil, fmt.Errorf("compte %s : périmètre vide pour le rôle %s", u.Login, u.Role)
	}
	return p, nil
}

// ScopeLabel describes the scope in French for the page header.
func (p *Principal) ScopeLabel() string {
	switch p.kind {
	case scopeGHT:
		return "GHT " + p.value
	case scopeEntity:
		return "établissement " + p.value
	case scopeRegion:
		return "région " + p.value
	}
	return "national"
}

// CanWrite reports whether the role may record anything at all.
func (p *Principal) CanWrite() bool { return !p.readOnly }

// scopeFr describes a role's stored scope for people (the auditor's
// prefixes become words); empty is national.
func scopeFr(role, stored string) string {
	switch Role(role) {
	case RoleGHT:
		return "GHT " + stored
	case RoleEstablishment:
		return "établissement " + stored
	case RoleARS:
		return "région " + stored
	}
	switch {
	case stored == "":
		return "national"
	case strings.HasPrefix(stored, prefixGHT):
		return "GHT " + strings.TrimPrefix(stored, prefixGHT)
	case strings.HasPrefix(stored, prefixFINESS):
		return "établissement " + strings.TrimPrefix(stored, prefixFINESS)
	case strings.HasPrefix(stored, prefixRegion):
		return "région " + strings.TrimPrefix(stored, prefixRegion)
	}
	return stored
}
