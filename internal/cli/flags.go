package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie/internal/civil"
	"vigie/internal/french"
)

// newFlags returns a flag set that reports errors instead of exiting and
// prints its usage in French on -h.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	_ = env
	fs.Bool("help", false, usage)
	return fs
}

// splitArgs parses flags that may come before or after positional
// arguments ("--" ends the flags) and returns the positionals; flag errors,
// flag.ErrHelp included, come back as they are.
func splitArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) {
			return nil, flag.ErrHelp
		}
	}
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

// isHelp reports whether an argument asks for help: -h, -help, --help.
func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

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
		if d, ok := durationOf(f); ok {
			// A zero duration means « the default the text gives »;
			// others read « 2 h », not Go's « 2h0m0s ».
			if d != 0 {
				def = fmt.Sprintf(" (défaut : %s)", shortDuration(d))
			}
		} else if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (défaut : %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  --%-18s %s%s\n", f.Name, f.Usage, def)
	})
}

// durationOf returns the value of a duration flag.
func durationOf(f *flag.Flag) (time.Duration, bool) {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return 0, false
	}
	d, ok := g.Get().(time.Duration)
	return d, ok
}

// shortDuration writes a default duration the way people do: « 2 h »,
// « 15 min », « 30 s » (« 1 h 30 min » when it is not round).
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d < time.Hour && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d < time.Minute && d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return french.Duration(d)
}

// frenchFlagError translates the flag package's messages.
func frenchFlagError(err error) string {
	msg := err.Error()
	if m := invalidFlagValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("valeur %s invalide pour l'option -%s : %s", m[1], m[2], frenchFlagCause(m[3]))
	}
	if m := invalidBoolFlag.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("valeur invalide pour l'option booléenne -%s (true ou false attendu)", m[1])
	}
	for _, t := range []struct{ en, fr string }{
		{"flag provided but not defined: ", "option inconnue "},
		{"flag needs an argument: ", "valeur manquante pour l'option "},
		{"bad flag syntax: ", "option mal écrite : "},
	} {
		if strings.HasPrefix(msg, t.en) {
			return t.fr + strings.TrimPrefix(msg, t.en)
		}
	}
	return msg
}

var (
	invalidFlagValue = regexp.MustCompile(`^invalid value (".*") for flag -([^:]+): (.*)$`)
	invalidBoolFlag  = regexp.MustCompile(`^invalid boolean (?:value ".*" for -|flag -?)([^:]+)`)
)

// frenchFlagCause translates the cause of a bad flag value from strconv.
func frenchFlagCause(cause string) string {
	switch {
	case strings.Contains(cause, "parse error"), strings.Contains(cause, "invalid syntax"):
		return "nombre attendu"
	case strings.Contains(cause, "value out of range"):
		return "nombre hors limites"
	}
	return cause
}

// dateFlag parses --at (JJ/MM/AAAA or AAAA-MM-JJ); empty means today.
func dateFlag(env *Env, s string) (civil.Date, error) {
	if s == "" {
		return civil.Of(env.Now()), nil
	}
	d, err := civil.ParseInput(s)
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
