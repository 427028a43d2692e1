package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// adCommand is one « vigie ad » subcommand.
type adCommand struct {
	name    string
	summary string // French, one line
	run     func(ctx context.Context, env *Env, args []string) error
}

// adCommands lists the « vigie ad » subcommands in help order.
func adCommands() []adCommand {
	cs := []adCommand{
		{"collect", "collecter l'annuaire par LDAP dans un instantané", adCollect},
		{"import-oradad", "convertir une extraction ORADAD en clair en instantané", adImportORADAD},
		{"merge", "fusionner les instantanés des domaines d'une même forêt", adMerge},
		{"audit", "collecter puis analyser (points de contrôle ANSSI)", adAudit},
	}
	return append(cs, adEngineCommands()...)
}

// runAD dispatches « vigie ad SOUS-COMMANDE ».
func runAD(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		adUsage(env.Stdout)
		if len(args) == 0 {
			return usagef("« vigie ad » attend une sous-commande")
		}
		return nil
	}
	for _, c := range adCommands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	return usagef("« vigie ad » : sous-commande inconnue %q (voir « vigie ad help »)", args[0])
}

func adUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage : vigie ad SOUS-COMMANDE [options]\n\nSous-commandes :")
	for _, c := range adCommands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n« vigie ad SOUS-COMMANDE -h » détaille les options.")
}

// adParse parses flags placed before, between or after positional
// arguments, and returns the positional ones. -h prints the help (nil, errAdHelp).
func adParse(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := splitArgs(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if fs.Usage != nil {
			fs.Usage()
		}
		return nil, errAdHelp
	case err != nil:
		return nil, usagef("%s : %v", fs.Name(), strings.TrimSpace(err.Error()))
	}
	return pos, nil
}

// errAdHelp means the user asked for a subcommand's help: exit 0.
var errAdHelp = errors.New("aide affichée")

// adDone maps errAdHelp to success.
func adDone(err error) error {
	if errors.Is(err, errAdHelp) {
		return nil
	}
	return err
}

// adUsageFunc prints a subcommand's French usage line and its options.
func adUsageFunc(env *Env, fs *flag.FlagSet, synopsis string) func() {
	return func() {
		fmt.Fprintf(env.Stderr, "Usage : %s\n\nOptions :\n", synopsis)
		adPrintOptions(env, fs)
	}
}

// adPrintOptions lists the options of an ad subcommand in French (the
// flag package's PrintDefaults writes « (default …) »).
func adPrintOptions(env *Env, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg := ""
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			arg = " VALEUR"
		}
		fmt.Fprintf(env.Stderr, "  -%s%s\n      %s", f.Name, arg, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(env.Stderr, " (défaut : %s)", f.DefValue)
		}
		fmt.Fprintln(env.Stderr)
	})
}
