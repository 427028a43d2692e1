package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"vigie/internal/web"
)

func runUser(ctx context.Context, env *Env, args []string) error {
	const usage = "user create|password|token|disable|enable|list [options]"
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprintf(env.Stdout, "Usage : vigie %s\n\n", usage)
		fmt.Fprintln(env.Stdout, "  create    créer un compte : --login L --role admin|ght|etablissement|ars|auditeur [--scope GHT|FINESS|RÉGION]")
		fmt.Fprintln(env.Stdout, "  password  changer le mot de passe d'un compte : --login L")
		fmt.Fprintln(env.Stdout, "  token     créer un jeton d'API (affiché une seule fois) : --login L [--label TEXTE] [--expires 90d]")
		fmt.Fprintln(env.Stdout, "  token list [--login L]            lister les jetons (jamais leur valeur) : validité, dernier usage, révocation")
		fmt.Fprintln(env.Stdout, "  token revoke ID… | --login L --all  révoquer des jetons")
		fmt.Fprintln(env.Stdout, "  disable   désactiver un compte (sessions fermées, jetons révoqués) : --login L")
		fmt.Fprintln(env.Stdout, "  enable    réactiver un compte : --login L")
		fmt.Fprintln(env.Stdout, "  list      lister les comptes")
		fmt.Fprintln(env.Stdout, "\nLe mot de passe est demandé au terminal, ou lu dans --password-file (« - » : entrée standard) ;\njamais sur la ligne de commande.")
		if len(args) == 0 {
			return ExitStatus(2)
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	if sub == "token" && len(rest) > 0 && (rest[0] == "list" || rest[0] == "revoke") {
		return runUserToken(ctx, env, rest[0], rest[1:])
	}
	name := "user " + sub
	fs := newFlags(env, name, name)
	var sf storeFlags
	sf.register(fs)
	login := fs.String("login", "", "identifiant du compte")
	role := fs.String("role", "", "rôle : admin, ght, etablissement, ars ou auditeur")
	scopeFlag := fs.String("scope", "", "périmètre : code GHT, FINESS de l'EJ ou région")
	pwFile := fs.String("password-file", "", "fichier contenant le mot de passe (première ligne ; « - » : entrée standard)")
	label := fs.String("label", "", "libellé du jeton d'API (à quoi il sert)")
	expires := fs.String("expires", "90d", "validité du jeton d'API : jours (90d) ou semaines (12w), 366 jours au plus")
	by := fs.String("by", "", "auteur de la modification pour le journal d'audit (défaut : $USER)")
	pos, err := parse(env, fs, name+" [options]", rest)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("%s : argument inattendu %q (le mot de passe ne se donne jamais sur la ligne de commande)", name, pos[0])
	}
	known := map[string]bool{"create": true, "password": true, "token": true, "list": true, "disable": true, "enable": true}
	if !known[sub] {
		return usagef("user : sous-commande inconnue %q (create, password, token, disable, enable ou list)", sub)
	}
	if sub != "list" && *login == "" {
		return usagef("%s : --login est obligatoire", name)
	}
	ttl, err := parseValidity(*expires)
	if err != nil {
		return usagef("%s : --expires : %v", name, err)
	}
	var r web.Role
	if sub == "create" {
		if r, err = web.ParseRole(*role); err != nil {
			return usagef("%s : --role : %s", name, err)
		}
	}
	var password string
	if sub == "create" || sub == "password" {
		if password, err = readPassword(env, *pwFile); err != nil {
			return err
		}
		if err := web.CheckPasswordPolicy(password); err != nil {
			return inputErr(err)
		}
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	who := "cli:" + actor(env, *by)
	switch sub {
	case "create":
		if err := web.CreateUser(ctx, st, *login, r, *scopeFlag, password, who, web.DefaultArgon2()); err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(env.Stdout, "Compte %s créé (rôle %s).\n", *login, r.French())
	case "password":
		if err := web.SetPassword(ctx, st, *login, password, who, web.DefaultArgon2()); err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(env.Stdout, "Mot de passe de %s changé ; ses sessions ouvertes sont fermées et ses jetons d'API révoqués.\n", *login)
	case "token":
		tok, exp, err := web.IssueAPITokenFor(ctx, st, *login, *label, who, ttl, env.Now())
		if err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(env.Stderr, "Jeton d'API de %s, valable jusqu'au %s (affiché une seule fois, conservez-le en lieu sûr) :\n", *login, exp.In(zoneOf(env)).Format("02/01/2006 15:04"))
		fmt.Fprintln(env.Stdout, tok)
	case "disable", "enable":
		if err := st.SetWebUserDisabled(ctx, *login, sub == "disable", who); err != nil {
			return inputErr(err)
		}
		if sub == "disable" {
			fmt.Fprintf(env.Stdout, "Compte %s désactivé : sessions fermées, jetons d'API révoqués.\n", *login)
		} else {
			fmt.Fprintf(env.Stdout, "Compte %s réactivé (ses anciens jetons restent révoqués).\n", *login)
		}
	case "list":
		us, err := st.WebUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range us {
			state := ""
			if u.Disabled() {
				state = "  (désactivé)"
			}
			fmt.Fprintf(env.Stdout, "%-20s %-14s %s%s\n", u.Login, u.Role, u.Scope, state)
		}
	}
	return nil
}

// readPassword reads a new password from a file, standard input ("-") or,
// on a terminal, from two hidden prompts.
func readPassword(env *Env, file string) (string, error) {
	var r io.Reader
	switch file {
	case "":
		f, ok := env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return "", usagef("mot de passe : pas de terminal ; utilisez --password-file FICHIER (ou « - » pour l'entrée standard)")
		}
		fmt.Fprint(env.Stderr, "Mot de passe : ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe : %w", err)
		}
		fmt.Fprint(env.Stderr, "Confirmation : ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("lecture du mot de passe : %w", err)
		}
		if string(a) != string(b) {
			return "", inputErr(errors.New("les deux saisies du mot de passe diffèrent"))
		}
		return string(a), nil
	case "-":
		r = env.Stdin
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", inputErr(fmt.Errorf("--password-file : %w", err))
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", inputErr(fmt.Errorf("--password-file : %w", err))
	}
	return strings.TrimRight(line, "\r\n"), nil
}
