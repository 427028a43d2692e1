// Package cli implements the vigie subcommands: it parses flags, wires the
// engines, the store and the renderers, and maps errors to exit codes
// (0 done, 2 usage or input error, 1 any other failure).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"vigie/internal/jsonfr"
)

// Env is what a command may touch of the outside world. Tests build their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Now gives the current time (tests fix it).
	Now func() time.Time
	// IsTerminal reports whether Stderr is a terminal (progress is shown only then).
	IsTerminal bool
}

// StdEnv is the process environment.
func StdEnv() Env {
	return Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Now:        time.Now,
		IsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string // French, one line
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists the subcommands in the order the help prints them.
func commands() []command {
	return []command{
		{"evaluate", "évaluer un dossier CaRE (fichier JSON) à une date", runEvaluate},
		{"demo", "évaluer le GHT de démonstration intégré", runDemo},
		{"import", "charger un dossier (ou un fichier OPSSIES) dans la base", runImport},
		{"status", "état des objectifs depuis la base", runStatus},
		{"due", "échéances à venir", runDue},
		{"finess", "importer des entités depuis l'extraction FINESS (CSV)", runFiness},
		{"ad", "audit Active Directory (collecte LDAP, ORADAD, analyse ANSSI)", runAD},
		{"exposure", "audit d'exposition internet (périmètre, scan, vulnérabilités)", runExposure},
		{"vulndb", "base locale de vulnérabilités (KEV CISA)", runVulnDB},
		{"serve", "serveur web : interface en français et API JSON", runServe},
		{"worker", "exécutant des audits en file (sans serveur web)", runWorker},
		{"alert", "abonnements aux alertes (courriel, webhook signé), évaluation et envoi", runAlert},
		{"user", "comptes de l'interface web (création, mot de passe, jeton d'API)", runUser},
		{"backup", "sauvegarde en ligne de la base SQLite", runBackup},
		{"restore", "restauration d'une sauvegarde dans le dossier des données", runRestore},
		{"key", "rotation de la clé de chiffrement (rapports, connexions, pièces)", runKey},
	}
}

// Main runs vigie with the given arguments and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if len(args) == 0 {
		usage(env.Stderr)
		return 2
	}
	if isHelp(args[0]) || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			// « vigie help COMMANDE [SOUS-COMMANDE] » is « vigie COMMANDE … --help ».
			return Main(ctx, append(args[1:], "--help"), env)
		}
		usage(env.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(env.Stderr, c.run(ctx, &env, args[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "vigie : commande inconnue %q (voir « vigie help »)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Vigie — audits AD et exposition internet, suivi du programme CaRE (domaine 1)")
	fmt.Fprintln(w, "\nUsage : vigie COMMANDE [options]\n\nCommandes :")
	cs := commands()
	width := 0
	for _, c := range cs {
		width = max(width, len(c.name))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w, "\n« vigie COMMANDE --help » (ou -h) détaille les options d'une commande.")
}

// UsageError is a wrong invocation: exit code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// usagef builds a UsageError.
func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// InputError wraps bad input (a malformed file, an invalid identifier): exit code 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// inputErr marks err as an input error; nil stays nil.
func inputErr(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// errSilentFailure reports a failure already explained to the user (exit 1).
var errSilentFailure = errors.New("échec")

// ExitStatus lets a command choose its exit code without an error message,
// e.g. for --fail-on.
type ExitStatus int

func (e ExitStatus) Error() string { return fmt.Sprintf("code de sortie %d", int(e)) }

func exitCode(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	var st ExitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	var ue *UsageError
	var ie *InputError
	switch {
	case errors.As(err, &ue), errors.As(err, &ie):
		fmt.Fprintf(stderr, "vigie : %s\n", strings.TrimSpace(jsonfr.French(err)))
		return 2
	case errors.Is(err, errSilentFailure):
		return 1
	}
	fmt.Fprintf(stderr, "vigie : %s\n", jsonfr.French(err))
	return 1
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
