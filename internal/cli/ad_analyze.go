package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vigie/internal/ad"
	"vigie/internal/ad/checks"
	"vigie/internal/ad/render"
	"vigie/internal/ad/snapshot"
)

// adAnalyze runs « vigie ad analyze SNAPSHOT [--format table|json|html]
// [--exceptions FICHIER] [--checks FICHIER] [-o FICHIER] [--fail-below N] ».
func adAnalyze(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad analyze", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "table", "format de sortie : table, json ou html")
	excPath := fs.String("exceptions", "", "fichier JSON des risques acceptés (id, dn ou « * », justification, expires)")
	checksPath := fs.String("checks", "", "fichier JSON surchargeant niveaux, seuils et textes des points de contrôle")
	out := fs.String("o", "", "écrire le rapport dans ce fichier (sortie standard sinon)")
	failBelow := fs.Int("fail-below", 0, "code de sortie 3 si le niveau officiel est inférieur à N (1 à 5)")
	quiet := fs.Bool("quiet", false, "ne pas afficher la progression")
	var save saveFlags
	save.register(fs)
	directory := fs.String("directory", "", "avec --save : identifiant de l'annuaire dans le dossier (ex. ad-chu)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage : vigie ad analyze INSTANTANÉ [options]\n\nAnalyse un instantané selon les 76 points de contrôle ANSSI.\n\nOptions :")
		adPrintOptions(env, fs)
		fmt.Fprint(env.Stderr, adAnalyzeFormats)
	}
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) != 1 {
		return usagef("« vigie ad analyze » attend un instantané (vigie ad analyze INSTANTANÉ)")
	}
	f, err := render.ParseFormat(*format)
	if err != nil {
		return usagef("--format : %v", err)
	}
	if *failBelow < 0 || *failBelow > 5 {
		return usagef("--fail-below : niveau %d invalide (1 à 5)", *failBelow)
	}
	if save.save && *directory == "" {
		return usagef("--save demande --directory ID (l'annuaire du dossier auquel rattacher l'audit)")
	}
	opts, err := adAnalyzeOptions(env, *excPath, *checksPath)
	if err != nil {
		return err
	}
	if env.IsTerminal && !*quiet {
		fmt.Fprintf(env.Stderr, "Analyse de %s…\n", pos[0])
	}
	rep, err := adAnalyzeFile(ctx, pos[0], opts)
	if err != nil {
		return err
	}
	if err := adWriteOutput(env, *out, func(w io.Writer) error { return render.Report(w, rep, f, zoneOf(env)) }); err != nil {
		return err
	}
	if save.save {
		id, err := save.saveAD(ctx, env, *directory, rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Audit enregistré sous l'identifiant %s (source vigie : indicatif pour D1.O1, voir « vigie status --include-vigie »).\n", id)
	}
	if *failBelow > 0 && rep.Level < *failBelow {
		return ExitStatus(3)
	}
	return nil
}

// adAnalyzeFormats documents the two input files of « ad analyze ».
const adAnalyzeFormats = `
Fichier d'exceptions (--exceptions), tableau JSON ; le niveau officiel n'en tient jamais compte :
  [{"id": "vuln_spn_priv", "dn": "CN=svc-sql,OU=Services,DC=ght,DC=fr",
    "justification": "migration gMSA prévue", "expires": "2026-12-31"}]
  « dn » vaut un DN ou « * » (tous les objets du point) ; une exception expirée ne s'applique plus.

Surcharge des points de contrôle (--checks), objet JSON par identifiant (champs facultatifs) :
  {"vuln_krbtgt": {"params": {"max_days": 180}}, "vuln_guest": {"disabled": true},
   "vuln_dont_expire": {"grades": [2], "title": "…", "remediation": "…"}}
  Un point désactivé est signalé « non évalué », jamais réussi.
`

// adDiff runs « vigie ad diff A B [--format table|json] [-o FICHIER] »; A
// and B are report JSON files or snapshots (analysed on the fly).
func adDiff(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad diff", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "table", "format de sortie : table ou json")
	excPath := fs.String("exceptions", "", "risques acceptés à appliquer aux instantanés analysés")
	checksPath := fs.String("checks", "", "surcharge des points de contrôle pour les instantanés analysés")
	out := fs.String("o", "", "écrire la comparaison dans ce fichier")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage : vigie ad diff AVANT APRÈS [options]\n\nCompare deux audits (rapports JSON ou instantanés) : corrigés, nouveaux, toujours en échec.\n\nOptions :")
		adPrintOptions(env, fs)
	}
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) != 2 {
		return usagef("« vigie ad diff » attend deux audits (vigie ad diff AVANT APRÈS)")
	}
	if *format != "table" && *format != "json" {
		return usagef("--format : format %q inconnu (table ou json)", *format)
	}
	opts, err := adAnalyzeOptions(env, *excPath, *checksPath)
	if err != nil {
		return err
	}
	var reps [2]*ad.Report
	for i, p := range pos {
		if reps[i], err = adLoadAudit(ctx, p, opts); err != nil {
			return err
		}
	}
	if !strings.EqualFold(reps[0].Forest, reps[1].Forest) {
		return inputErr(fmt.Errorf("les deux audits portent sur des forêts différentes (%s et %s)", reps[0].Forest, reps[1].Forest))
	}
	d := ad.Diff(reps[0], reps[1])
	return adWriteOutput(env, *out, func(w io.Writer) error {
		if *format == "json" {
			return adWriteJSON(w, d)
		}
		return render.WriteDiffText(w, d, zoneOf(env))
	})
}

func adAnalyzeOptions(env *Env, excPath, checksPath string) (ad.Options, error) {
	opts := ad.Options{Now: env.Now()}
	cat, err := checks.DefaultCatalog()
	if err != nil {
		return opts, err
	}
	if checksPath != "" {
		if err := cat.LoadOverrides(checksPath); err != nil {
			return opts, inputErr(err)
		}
	}
	opts.Catalog = cat
	if excPath != "" {
		if opts.Exceptions, err = ad.LoadExceptions(excPath); err != nil {
			return opts, inputErr(err)
		}
	}
	return opts, nil
}

// adAnalyzeFile opens and analyses a snapshot; bad files are input errors.
func adAnalyzeFile(ctx context.Context, path string, opts ad.Options) (*ad.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, c, err := snapshot.Open(path)
	if err != nil {
		return nil, inputErr(err)
	}
	defer c.Close()
	rep, err := ad.Analyze(r, opts)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s : %w", path, err))
	}
	return rep, nil
}

// adLoadAudit reads a report JSON, or analyses a snapshot (gzip).
func adLoadAudit(ctx context.Context, path string, opts ad.Options) (*ad.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErr(fmt.Errorf("ouvrir %s : %w", path, err))
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return adAnalyzeFile(ctx, path, opts)
	}
	rep, err := ad.ReadReport(br)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s : %w", path, err))
	}
	return rep, nil
}

func adWriteJSON(w io.Writer, v *ad.DiffResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// adWriteOutput writes to path (atomically) or to standard output.
func adWriteOutput(env *Env, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(env.Stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vigie-ad-*")
	if err != nil {
		return fmt.Errorf("écrire %s : %w", path, err)
	}
	bw := bufio.NewWriter(tmp)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("écrire %s : %w", path, err)
	}
	return nil
}
