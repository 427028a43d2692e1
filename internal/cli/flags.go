package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"vigie/internal/civil"
)

// newFlags returns a flag set that reports errors instead of exiting and
// prints its usage in French on -h.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	_ = env
	fs.Func("help", "", func(string) error { return flag.ErrHelp })
	fs.Lookup("help").Usage = usage
	return fs
}

// splitArgs parses flags that may come before or after positional
// arguments ("--" ends the flags) and returns the positionals; flag errors,
// flag.ErrHelp included, come back as they are.
func splitArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parse is splitArgs for the commands built with newFlags: -h prints the
// usage to stdout (exit 0), a bad flag is a usage error.
func parse(env *Env, fs *flag.FlagSet, usage string, args []string) ([]string, error) {
	pos, err := splitArgs(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(env.Stdout, fs, usage)
		return nil, ExitStatus(0)
	case err != nil:
		return nil, usagef("%s : %s (voir « vigie %s -h »)", fs.Name(), frenchFlagError(err), fs.Name())
	}
	return pos, nil
}

func printUsage(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprintf(w, "Usage : vigie %s\n\nOptions :\n", usage)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "help" {
			return
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (défaut : %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%-18s %s%s\n", f.Name, f.Usage, def)
	})
}

func frenchFlagError(err error) string {
	msg := err.Error()
	for en, fr := range map[string]string{
		"flag provided but not defined: ": "option inconnue ",
		"flag needs an argument: ":        "valeur manquante pour l'option ",
		"invalid value ":                  "valeur invalide ",
	} {
		if strings.HasPrefix(msg, en) {
			return fr + strings.TrimPrefix(msg, en)
		}
	}
	return msg
}

// dateFlag parses --at; empty means today.
func dateFlag(env *Env, s string) (civil.Date, error) {
	if s == "" {
		return civil.Of(env.Now()), nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, usagef("--at : %s", err)
	}
	return d, nil
}

// oneOf checks an enumerated flag value.
func oneOf(flagName, v string, allowed ...string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return usagef("--%s : valeur %q invalide (attendu %s)", flagName, v, strings.Join(allowed, ", "))
}
