package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie/internal/french"
	"vigie/internal/store"
	"vigie/internal/web"
)

// runUserToken runs « vigie user token list|revoke ».
func runUserToken(ctx context.Context, env *Env, sub string, args []string) error {
	name := "user token " + sub
	usage := name + " [--login L]"
	if sub == "revoke" {
		usage = name + " ID… | --login L --all"
	}
	fs := newFlags(env, name, usage)
	var sf storeFlags
	sf.register(fs)
	login := fs.String("login", "", "compte dont lister ou révoquer les jetons")
	all := fs.Bool("all", false, "avec revoke : tous les jetons du compte --login")
	by := fs.String("by", "", "auteur de la révocation pour le journal d'audit (défaut : $USER)")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	var ids []int64
	switch {
	case sub == "list" && len(pos) > 0:
		return usagef("%s : argument inattendu %q", name, pos[0])
	case sub == "revoke" && *all && (*login == "" || len(pos) > 0):
		return usagef("%s : --all va avec --login et sans identifiant", name)
	case sub == "revoke" && !*all && len(pos) == 0:
		return usagef("%s : indiquez les identifiants des jetons (voir « vigie user token list ») ou --login L --all", name)
	}
	for _, p := range pos {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 1 {
			return usagef("%s : identifiant de jeton %q invalide (nombre attendu)", name, p)
		}
		ids = append(ids, id)
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	who := "cli:" + actor(env, *by)
	switch {
	case sub == "list":
		toks, err := st.APITokens(ctx, *login)
		if err != nil {
			return err
		}
		now := env.Now()
		fmt.Fprintf(env.Stdout, "%-6s %-20s %-12s %-17s %-17s %s\n", "ID", "COMPTE", "ÉTAT", "EXPIRE LE", "DERNIER USAGE", "LIBELLÉ")
		for _, t := range toks {
			state := "actif"
			switch {
			case !t.RevokedAt.IsZero():
				state = "révoqué"
			case !t.Active(now):
				state = "expiré"
			}
			used := "jamais"
			if !t.LastUsedAt.IsZero() {
				used = t.LastUsedAt.In(zoneOf(env)).Format("02/01/2006 15:04")
			}
			fmt.Fprintf(env.Stdout, "%-6d %-20s %-12s %-17s %-17s %s\n", t.ID, t.Login, state, t.ExpiresAt.In(zoneOf(env)).Format("02/01/2006 15:04"), used, t.Label)
		}
	case *all:
		n, err := st.RevokeAPITokens(ctx, *login, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s : %s.\n", *login, french.Plural(int(n), "jeton révoqué", "jetons révoqués"))
	default:
		for _, id := range ids {
			if err := st.RevokeAPIToken(ctx, id, *login, who); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return inputErr(fmt.Errorf("jeton %d inconnu%s", id, map[bool]string{true: " pour le compte " + *login}[*login != ""]))
				}
				return err
			}
			fmt.Fprintf(env.Stdout, "Jeton %d révoqué.\n", id)
		}
	}
	return nil
}

// parseValidity reads a token validity: days (90d, 90) or weeks (12w).
func parseValidity(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	unit := 24 * time.Hour
	switch {
	case strings.HasSuffix(s, "d"), strings.HasSuffix(s, "j"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "w"):
		s, unit = s[:len(s)-1], 7*24*time.Hour
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("durée invalide (exemples : 90d, 12w)")
	}
	d := time.Duration(n) * unit
	if d > web.MaxTokenTTL {
		return 0, fmt.Errorf("%d jours au plus", int(web.MaxTokenTTL.Hours()/24))
	}
	return d, nil
}
