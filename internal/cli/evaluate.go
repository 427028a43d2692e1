package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/dossier"
	"vigie/internal/jsonfr"
	"vigie/internal/report"
)

// evalFlags are the options shared by evaluate, demo and status.
type evalFlags struct {
	at           string
	format       string
	catalogue    string
	includeVigie bool
	brief        bool
}

func (f *evalFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.at, "at", "", "date d'évaluation JJ/MM/AAAA ou AAAA-MM-JJ (défaut : aujourd'hui)")
	fs.StringVar(&f.format, "format", "table", "table ou json")
	fs.StringVar(&f.catalogue, "catalogue", "", "fichier catalogue à ajouter ou substituer (vagues, seuils, calendrier)")
	fs.BoolVar(&f.includeVigie, "include-vigie", false, "compter les audits réalisés avec Vigie (pilotage, pas déclaration)")
	fs.BoolVar(&f.brief, "brief", false, "tableau des objectifs seulement, sans le détail par entité")
}

// loadCatalogue returns the embedded catalogue, merged with a user file.
func loadCatalogue(path string) (*care.Catalogue, error) {
	c, err := care.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	if path == "" {
		return c, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErr(fmt.Errorf("catalogue : %s", jsonfr.French(err)))
	}
	defer f.Close()
	extra, err := care.ParseCatalogue(f)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s : %w", path, err))
	}
	c.Merge(extra)
	return c, nil
}

// evaluateAndPrint evaluates facts and renders the result.
func evaluateAndPrint(env *Env, cat *care.Catalogue, f *care.Facts, asOf civil.Date, ef *evalFlags) error {
	ev, err := cat.Evaluate(f, asOf, care.Options{IncludeVigie: ef.includeVigie})
	if err != nil {
		return inputErr(err)
	}
	if ef.format == "json" {
		return report.EvaluationJSON(env.Stdout, ev)
	}
	wave, _ := cat.Wave(ev.Wave)
	return report.EvaluationTable(env.Stdout, ev, wave, !ef.brief)
}

func runEvaluate(ctx context.Context, env *Env, args []string) error {
	const usage = "evaluate FICHIER [--at JJ/MM/AAAA] [--format table|json]"
	fs := newFlags(env, "evaluate", usage)
	var ef evalFlags
	ef.register(fs)
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("evaluate : un fichier dossier est attendu (usage : vigie %s)", usage)
	}
	if err := oneOf("format", ef.format, "table", "json"); err != nil {
		return err
	}
	asOf, err := dateFlag(env, ef.at)
	if err != nil {
		return err
	}
	cat, err := loadCatalogue(ef.catalogue)
	if err != nil {
		return err
	}
	facts, err := readDossierFile(pos[0], cat)
	if err != nil {
		return err
	}
	return evaluateAndPrint(env, cat, facts, asOf, &ef)
}

// readDossierFile reads a dossier against a catalogue; standard input is
// not supported, to keep error messages tied to a file name.
func readDossierFile(path string, cat *care.Catalogue) (*care.Facts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErr(fmt.Errorf("dossier : %s", jsonfr.French(err)))
	}
	defer f.Close()
	facts, err := dossier.ReadWith(f, dossier.Options{Catalogue: cat})
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s : %w", path, err))
	}
	return facts, nil
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	const usage = "demo [--at JJ/MM/AAAA] [--format table|json]"
	fs := newFlags(env, "demo", usage)
	var ef evalFlags
	ef.register(fs)
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("demo : aucun argument attendu")
	}
	if err := oneOf("format", ef.format, "table", "json"); err != nil {
		return err
	}
	asOf := demo.AsOf()
	if ef.at != "" {
		if asOf, err = dateFlag(env, ef.at); err != nil {
			return err
		}
	}
	cat, err := loadCatalogue(ef.catalogue)
	if err != nil {
		return err
	}
	facts, err := dossier.ReadWith(bytes.NewReader(demo.GHTDossier()), dossier.Options{Catalogue: cat})
	if err != nil {
		return fmt.Errorf("dossier de démonstration : %w", err)
	}
	if ef.format == "table" {
		fmt.Fprintf(env.Stdout, "Démonstration : GHT fictif, évalué au %s (option --at pour une autre date).\n\n", asOf.French())
	}
	return evaluateAndPrint(env, cat, facts, asOf, &ef)
}
