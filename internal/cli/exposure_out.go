package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
	"vigie/internal/french"
	"vigie/internal/report"
)

const (
	exposureDiffUsage    = "exposure diff ANCIEN.json NOUVEAU.json [--format table|json]"
	exposureOpssiesUsage = "exposure opssies AUDIT.json --provider-siren SIREN --entity FINESS [--entity-kind EJ|EG] [--entity-name NOM] [--provider-name NOM] [--requester FINESS] [--allow-incomplete] [-o FICHIER]"
	exposureReportUsage  = "exposure report AUDIT.json [--previous ANCIEN.json] [--format html|csv|sarif|jsonl] [--title NOM] [-o FICHIER]"
)

// renderExposure writes an audit in one of the formats table, json, jsonl,
// csv or sarif (the scan command and « exposure report » share it).
func renderExposure(w io.Writer, a *exposure.Audit, format string) error {
	switch format {
	case "", "table":
		return report.ExposureTable(w, a)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(a)
	case "jsonl":
		return report.ExposureJSONL(w, a)
	case "csv":
		return report.ExposureCSV(w, a)
	case "sarif":
		return report.ExposureSARIF(w, a)
	}
	return usagef("--format : valeur %q invalide (attendu table, json, jsonl, csv ou sarif)", format)
}

// readAuditFile reads an exposure audit written by « exposure scan --format
// json »; errors name the file and the line.
func readAuditFile(path string) (*exposure.Audit, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputErr(fmt.Errorf("audit %s : %w", path, err))
	}
	a, err := decodeAudit(data)
	if err != nil {
		return nil, inputErr(fmt.Errorf("audit %s : %w", path, err))
	}
	return a, nil
}

// decodeAudit decodes and checks an audit document.
func decodeAudit(data []byte) (*exposure.Audit, error) {
	var a exposure.Audit
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, auditJSONError(data, err)
	}
	if dec.More() {
		return nil, errors.New("contenu inattendu après le document JSON (un audit par fichier, au format --format json)")
	}
	if a.FinishedAt.IsZero() {
		return nil, errors.New("finished_at : date de fin de scan manquante (est-ce bien un audit produit par « vigie exposure scan --format json » ?)")
	}
	for i, f := range a.Findings {
		switch {
		case f.ID == "":
			return nil, fmt.Errorf("findings[%d].id : identifiant manquant", i)
		case f.Host == "":
			return nil, fmt.Errorf("findings[%d].host : hôte manquant", i)
		case f.Severity.Rank() >= len(exposure.Severities):
			return nil, fmt.Errorf("findings[%d].severity : sévérité %q inconnue (critical, high, medium, low ou info)", i, f.Severity)
		case f.Port < 0 || f.Port > 65535:
			return nil, fmt.Errorf("findings[%d].port : %d hors de 0–65535", i, f.Port)
		}
	}
	return &a, nil
}

func auditJSONError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	pos := func(off int64) string {
		line, col := 1, 1
		for i := int64(0); i < off && i < int64(len(data)); i++ {
			if data[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("ligne %d, colonne %d", line, col)
	}
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("JSON invalide %s : %v", pos(syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Errorf("%s : %s : type de valeur inattendu (%s)", pos(typ.Offset), typ.Field, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("document JSON vide ou tronqué")
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Errorf("champ inconnu %s", strings.TrimPrefix(msg, "json: unknown field "))
	}
	if strings.HasPrefix(err.Error(), "parsing time") {
		return fmt.Errorf("date invalide (attendu le format RFC 3339) : %v", err)
	}
	return fmt.Errorf("JSON invalide : %v", err)
}

// openOutput returns the writer for -o (stdout when empty or "-") and a
// function that closes it, reporting the close error.
func openOutput(env *Env, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("fichier de sortie %s : %w", path, err)
	}
	return f, f.Close, nil
}

// exposureDiff runs « vigie exposure diff ANCIEN.json NOUVEAU.json ».
func exposureDiff(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "exposure diff", exposureDiffUsage)
	format := fs.String("format", "table", "format : table ou json")
	pos, err := parse(env, fs, exposureDiffUsage, args)
	if err != nil {
		return err
	}
	if err := oneOf("format", *format, "table", "json"); err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("exposure diff : deux fichiers d'audit attendus (ancien puis nouveau) ; usage : vigie %s", exposureDiffUsage)
	}
	prev, err := readAuditFile(pos[0])
	if err != nil {
		return err
	}
	cur, err := readAuditFile(pos[1])
	if err != nil {
		return err
	}
	d := exposure.Diff(prev, cur)
	pair := report.CheckPair(prev, cur, report.DefaultPairWindow)
	if *format == "json" {
		out := struct {
			Previous string `json:"previous_finished_at"`
			Current  string `json:"current_finished_at"`
			exposure.Delta
			D1O2B report.PairVerdict `json:"d1o2b"`
		}{prev.FinishedAt.Format("2006-01-02T15:04:05Z07:00"), cur.FinishedAt.Format("2006-01-02T15:04:05Z07:00"), d, pair}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	if err := report.DeltaTable(env.Stdout, prev, cur, d); err != nil {
		return err
	}
	verdict := "oui"
	if !pair.OK {
		verdict = "non (" + strings.Join(pair.Reasons, " ; ") + ")"
	}
	_, err = fmt.Fprintf(env.Stdout, "\nD1.O2.B — deux audits successifs sans vulnérabilité critique, espacés de %d à %d jours (écart : %s) : %s\n",
		report.DefaultPairWindow.MinDays, report.DefaultPairWindow.MaxDays, french.Plural(pair.GapDays, "jour", "jours"), verdict)
	return err
}

// exposureOpssies runs « vigie exposure opssies AUDIT.json … ».
func exposureOpssies(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "exposure opssies", exposureOpssiesUsage)
	siren := fs.String("provider-siren", "", "SIREN du prestataire qui a réalisé l'audit (9 chiffres)")
	providerName := fs.String("provider-name", "", "raison sociale du prestataire")
	entity := fs.String("entity", "", "FINESS de l'entité auditée")
	kind := fs.String("entity-kind", "EJ", "nature du FINESS de l'entité : EJ (juridique) ou EG (géographique)")
	entityName := fs.String("entity-name", "", "nom de l'entité auditée")
	requester := fs.String("requester", "", "FINESS juridique du GHT ou de l'EJ demandeur (défaut : l'entité si EJ)")
	allowIncomplete := fs.Bool("allow-incomplete", false, "accepter un audit qui n'a pas couvert tout le périmètre")
	var out string
	fs.StringVar(&out, "o", "", "écrire le fichier OPSSIES ici (défaut : sortie standard)")
	fs.StringVar(&out, "output", "", "écrire le fichier OPSSIES ici (défaut : sortie standard)")
	pos, err := parse(env, fs, exposureOpssiesUsage, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("exposure opssies : un fichier d'audit attendu ; usage : vigie %s", exposureOpssiesUsage)
	}
	if *siren == "" || *entity == "" {
		return usagef("exposure opssies : --provider-siren et --entity sont obligatoires")
	}
	if _, err := opssies.ParseSIREN(*siren); err != nil {
		return usagef("--provider-siren : %s", err)
	}
	if _, err := opssies.ParseFINESS(*entity); err != nil {
		return usagef("--entity : %s", err)
	}
	if k := strings.ToUpper(*kind); k != "EJ" && k != "EG" {
		return usagef("--entity-kind : valeur %q invalide (attendu EJ ou EG)", *kind)
	}
	if *requester != "" {
		if _, err := opssies.ParseFINESS(*requester); err != nil {
			return usagef("--requester : %s", err)
		}
	}
	a, err := readAuditFile(pos[0])
	if err != nil {
		return err
	}
	doc, err := opssies.Build(a, opssies.Params{
		ProviderSIREN: *siren, ProviderName: *providerName,
		Entity: *entity, EntityKind: strings.ToUpper(*kind), EntityName: *entityName,
		Requester: *requester, RequesterIsGroup: *requester != "",
		AllowIncomplete: *allowIncomplete,
	})
	if err != nil {
		return inputErr(fmt.Errorf("%s : %w", pos[0], err))
	}
	w, closeOut, err := openOutput(env, out)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	err = enc.Encode(doc)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("écriture du fichier OPSSIES : %w", err)
	}
	if out != "" && out != "-" {
		fmt.Fprintf(env.Stderr, "Fichier OPSSIES écrit : %s (nom attendu par le ministère : %s)\n", out,
			opssies.FileName(nonEmptyOr(*providerName, "SOCIETE"), env.Now()))
	}
	return nil
}

func nonEmptyOr(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// exposureReport runs « vigie exposure report AUDIT.json … ».
func exposureReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "exposure report", exposureReportUsage)
	previous := fs.String("previous", "", "audit précédent, pour la comparaison et la vérification D1.O2.B")
	format := fs.String("format", "html", "format : html, csv, sarif, jsonl, table ou json")
	title := fs.String("title", "", "nom de l'établissement à afficher dans le rapport")
	var out string
	fs.StringVar(&out, "o", "", "écrire le rapport ici (défaut : sortie standard)")
	fs.StringVar(&out, "output", "", "écrire le rapport ici (défaut : sortie standard)")
	pos, err := parse(env, fs, exposureReportUsage, args)
	if err != nil {
		return err
	}
	if err := oneOf("format", *format, "html", "csv", "sarif", "jsonl", "table", "json"); err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("exposure report : un fichier d'audit attendu ; usage : vigie %s", exposureReportUsage)
	}
	a, err := readAuditFile(pos[0])
	if err != nil {
		return err
	}
	var prev *exposure.Audit
	if *previous != "" {
		if prev, err = readAuditFile(*previous); err != nil {
			return err
		}
	}
	w, closeOut, err := openOutput(env, out)
	if err != nil {
		return err
	}
	if *format == "html" {
		err = report.ExposureHTML(w, a, report.ExposureHTMLOptions{Title: *title, Previous: prev, GeneratedAt: env.Now()})
	} else {
		err = renderExposure(w, a, *format)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return err
}
