package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/dossier"
	"vigie/internal/exposure/opssies"
	"vigie/internal/french"
	"vigie/internal/jsonfr"
	"vigie/internal/org"
	"vigie/internal/report"
	"vigie/internal/store"
)

func runImport(ctx context.Context, env *Env, args []string) error {
	const usage = "import FICHIER [--data DIR | --database postgres://…] [--by NOM] [--catalogue FICHIER]"
	fs := newFlags(env, "import", usage)
	var sf storeFlags
	sf.register(fs)
	by := fs.String("by", "", "qui enregistre (journal des modifications) ; défaut : l'utilisateur courant")
	catalogue := fs.String("catalogue", "", "fichier catalogue à ajouter ou substituer (vagues que le dossier peut nommer)")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import : un fichier est attendu (usage : vigie %s)", usage)
	}
	path := pos[0]
	b, err := os.ReadFile(path)
	if err != nil {
		return inputErr(fmt.Errorf("import : %s", jsonfr.French(err)))
	}
	var probe struct {
		Format string          `json:"format"`
		Events json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return inputErr(fmt.Errorf("%s : %s", path, jsonfr.Describe(b, err)))
	}
	who := actor(env, *by)
	switch {
	case strings.HasPrefix(probe.Format, "vigie-dossier/"):
		cat, err := loadCatalogue(*catalogue)
		if err != nil {
			return err
		}
		facts, err := dossier.ReadWith(bytes.NewReader(b), dossier.Options{Catalogue: cat})
		if err != nil {
			return inputErr(fmt.Errorf("%s : %w", path, err))
		}
		st, err := sf.open(ctx, env)
		if err != nil {
			return err
		}
		defer st.Close()
		stats, err := st.ImportFacts(ctx, *facts, who)
		if err != nil {
			return fmt.Errorf("import de %s : %w", path, err)
		}
		fmt.Fprintf(env.Stdout, "Dossier %s importé : %s\n", stats.Applicant, stats)
		return nil
	case probe.Events != nil:
		return importOPSSIES(ctx, env, &sf, path, b, who)
	}
	return inputErr(fmt.Errorf("%s : format non reconnu (attendu un dossier \"vigie-dossier/1\", voir docs/dossier.md, ou un fichier OPSSIES CaRE D1)", path))
}

// importOPSSIES stores each exposure-audit event of an OPSSIES file as an
// audit summary of the entities it names. The file's digest makes the IDs,
// so importing it again adds nothing.
func importOPSSIES(ctx context.Context, env *Env, sf *storeFlags, path string, b []byte, who string) error {
	sums, err := opssies.Parse(b)
	if err != nil {
		return inputErr(fmt.Errorf("%s : %w", path, err))
	}
	if len(sums) == 0 {
		return inputErr(fmt.Errorf("%s : aucun audit d'exposition (SILENE, CERT Santé ou prestataire) dans ce fichier OPSSIES", path))
	}
	audits := make([]care.ExposureAudit, len(sums))
	digest := sha256.Sum256(b)
	for i, s := range sums {
		a := care.ExposureAudit{ID: fmt.Sprintf("opssies-%x-%d", digest[:6], i+1), Date: civil.Of(s.Date),
			CompletePerimeter: s.CompletePerimeter, NoCritical: s.NoCritical, Source: s.Source, Report: filepath.Base(path)}
		if s.Counts != nil {
			a.Counts = &care.Counts{Critical: s.Counts.Critical, High: s.Counts.High, Medium: s.Counts.Medium, Low: s.Counts.Low, Info: s.Counts.Info}
		}
		for j, e := range s.Entities {
			f, err := org.ParseFINESS(e)
			if err != nil {
				return inputErr(fmt.Errorf("%s : événement %d, entité %d : %w", path, i+1, j+1, err))
			}
			a.Entities = append(a.Entities, f)
		}
		audits[i] = a
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = store.WithActor(ctx, who)
	for _, a := range audits {
		for _, f := range a.Entities {
			if _, err := st.Entity(ctx, f); errors.Is(err, store.ErrNotFound) {
				return inputErr(fmt.Errorf("%s : l'entité %s n'est pas dans la base : importez d'abord son dossier", path, f))
			} else if err != nil {
				return err
			}
		}
		id, err := st.SaveExposureAudit(ctx, a, b)
		switch {
		case errors.Is(err, store.ErrExists):
			fmt.Fprintf(env.Stdout, "Audit %s du %s déjà importé : rien à faire.\n", a.ID, a.Date.French())
		case err != nil:
			return fmt.Errorf("import de %s : %w", path, err)
		default:
			verdict := "nombre de vulnérabilités critiques non indiqué"
			if n, known := noCriticalLabel(a); known {
				verdict = n
			}
			fmt.Fprintf(env.Stdout, "Audit d'exposition %s importé : %s, %s, %s, %s.\n", id, a.Source, a.Date.French(),
				french.Plural(len(a.Entities), "entité", "entités"), verdict)
		}
	}
	return nil
}

func noCriticalLabel(a care.ExposureAudit) (string, bool) {
	switch {
	case a.Counts != nil:
		return french.Plural(a.Counts.Critical, "vulnérabilité critique", "vulnérabilités critiques"), true
	case a.NoCritical != nil && *a.NoCritical:
		return "aucune vulnérabilité critique", true
	case a.NoCritical != nil:
		return "au moins une vulnérabilité critique signalée", true
	}
	return "", false
}

// storeEval is what status and due share: store and evaluation options, an
// optional entity, and their checks once parsed.
type storeEval struct {
	sf     storeFlags
	ef     evalFlags
	entity string
}

func (s *storeEval) register(fs *flag.FlagSet, entityHelp string) {
	s.sf.register(fs)
	s.ef.register(fs)
	fs.StringVar(&s.entity, "entity", "", entityHelp)
}

// setup checks the parsed options and opens the store and the catalogue.
func (s *storeEval) setup(ctx context.Context, env *Env, name string, pos []string) (asOf civil.Date, only org.FINESS, st *store.Store, cat *care.Catalogue, err error) {
	if len(pos) != 0 {
		err = usagef("%s : argument inattendu %q", name, pos[0])
		return
	}
	if err = oneOf("format", s.ef.format, "table", "json"); err != nil {
		return
	}
	if asOf, err = dateFlag(env, s.ef.at); err != nil {
		return
	}
	if s.entity != "" {
		if only, err = org.ParseFINESS(s.entity); err != nil {
			err = usagef("--entity : %s", err)
			return
		}
	}
	if cat, err = loadCatalogue(s.ef.catalogue); err != nil {
		return
	}
	st, err = s.sf.open(ctx, env)
	return
}

func runStatus(ctx context.Context, env *Env, args []string) error {
	const usage = "status [--entity FINESS | --applicant ID] [--at JJ/MM/AAAA] [--format table|json]"
	fs := newFlags(env, "status", usage)
	var se storeEval
	se.register(fs, "FINESS d'une EJ ou d'une EG : le dossier qui la porte, restreint à elle")
	applicant := fs.String("applicant", "", "identifiant du dossier (code GHT ou FINESS de l'EJ)")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	asOf, only, st, cat, err := se.setup(ctx, env, "status", pos)
	if err != nil {
		return err
	}
	defer st.Close()
	ef := &se.ef
	ids, err := applicantIDs(ctx, st, *applicant, only)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		ev, err := evaluateStored(ctx, st, cat, ids[0], asOf, ef.includeVigie)
		if err != nil {
			return err
		}
		if only != "" {
			facts, _ := st.LoadFacts(ctx, ids[0])
			ev.Results = restrictTo(ev.Results, &facts, only)
			ev.Prerequisites = restrictTo(ev.Prerequisites, &facts, only)
			restrictPosture(ev.Current, &facts, only)
		}
		if ef.format == "json" {
			return report.EvaluationJSON(env.Stdout, ev)
		}
		wave, err := cat.Wave(ev.Wave)
		if err != nil {
			return err
		}
		return report.EvaluationTable(env.Stdout, ev, wave, !ef.brief)
	}
	var evs []*care.Evaluation
	for _, id := range ids {
		ev, err := evaluateStored(ctx, st, cat, id, asOf, ef.includeVigie)
		if err != nil {
			return err
		}
		evs = append(evs, ev)
	}
	if ef.format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(evs)
	}
	return report.OverviewTable(env.Stdout, evs, asOf)
}

// applicantIDs resolves which dossiers a command covers.
func applicantIDs(ctx context.Context, st *store.Store, applicant string, entity org.FINESS) ([]string, error) {
	switch {
	case applicant != "":
		if _, err := st.Applicant(ctx, applicant); err != nil {
			return nil, inputErr(fmt.Errorf("dossier %q : %w", applicant, err))
		}
		return []string{applicant}, nil
	case entity != "":
		a, err := st.ApplicantOf(ctx, entity)
		if err != nil {
			return nil, inputErr(fmt.Errorf("aucun dossier ne porte l'entité %s : %w", entity, err))
		}
		return []string{a.ID}, nil
	}
	as, err := st.Applicants(ctx)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, inputErr(errors.New("la base ne contient aucun dossier : chargez-en un avec « vigie import DOSSIER.json »"))
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids, nil
}

func evaluateStored(ctx context.Context, st *store.Store, cat *care.Catalogue, id string, asOf civil.Date, vigie bool) (*care.Evaluation, error) {
	facts, err := st.LoadFacts(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dossier %s : %w", id, err)
	}
	ev, err := cat.Evaluate(&facts, asOf, care.Options{IncludeVigie: vigie})
	if err != nil {
		return nil, inputErr(fmt.Errorf("dossier %s : %w", id, err))
	}
	return ev, nil
}

// restrictTo keeps the results about one entity: itself, its sites, the
// directories it uses, and the GHT-wide objectives.
func restrictTo(rs []care.Result, f *care.Facts, only org.FINESS) []care.Result {
	keep := map[string]bool{string(only): true}
	tree := org.NewTree(f.Entities)
	for _, eg := range tree.Sites(only) {
		keep[string(eg.FINESS)] = true
	}
	for _, d := range f.Directories {
		for _, e := range d.Entities {
			if x := tree.Get(e); e == only || (x != nil && x.Parent == only) {
				keep[d.ID] = true
			}
		}
	}
	if f.GHT != nil {
		keep[f.GHT.Code] = true
	}
	var out []care.Result
	for _, r := range rs {
		if keep[r.Entity] {
			out = append(out, r)
		}
	}
	return out
}

// restrictPosture keeps, in a current posture, the directories an entity
// uses and its EJ's exposure.
func restrictPosture(p *care.Posture, f *care.Facts, only org.FINESS) {
	if p == nil {
		return
	}
	keep := restrictTo(postureResults(p), f, only)
	ej := only
	if x := org.NewTree(f.Entities).Get(only); x != nil && x.Kind == org.EG {
		ej = x.Parent
	}
	kept := map[string]bool{string(ej): true}
	for _, r := range keep {
		kept[r.Entity] = true
	}
	p.Directories = slices.DeleteFunc(p.Directories, func(d care.DirectoryPosture) bool { return !kept[d.Directory] })
	p.Exposure = slices.DeleteFunc(p.Exposure, func(x care.ExposurePosture) bool { return !kept[string(x.Entity)] })
}

// postureResults lists a posture's directories as results, for restrictTo.
func postureResults(p *care.Posture) []care.Result {
	var rs []care.Result
	for _, d := range p.Directories {
		rs = append(rs, care.Result{Entity: d.Directory})
	}
	return rs
}

func runDue(ctx context.Context, env *Env, args []string) error {
	const usage = "due [--within 60d] [--at JJ/MM/AAAA] [--entity FINESS] [--format table|json]"
	fs := newFlags(env, "due", usage)
	var se storeEval
	se.register(fs, "limiter au dossier qui porte cette entité")
	within := fs.String("within", "60d", "horizon : nombre de jours (60d), de semaines (8w) ou de mois (2m)")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	asOf, only, st, cat, err := se.setup(ctx, env, "due", pos)
	if err != nil {
		return err
	}
	defer st.Close()
	ef := &se.ef
	limit, err := horizon(asOf, *within)
	if err != nil {
		return err
	}
	ids, err := applicantIDs(ctx, st, "", only)
	if err != nil {
		return err
	}
	type due struct {
		Applicant string      `json:"applicant"`
		Result    care.Result `json:"result"`
		Overdue   bool        `json:"overdue"`
	}
	var dues []due
	var notices []string
	for _, id := range ids {
		ev, err := evaluateStored(ctx, st, cat, id, asOf, ef.includeVigie)
		if err != nil {
			return err
		}
		for _, r := range ev.Dues(limit) {
			dues = append(dues, due{Applicant: id, Result: r, Overdue: r.Next.Due.Before(asOf)})
		}
		// The dossier's own next step (declaring, then ARS instruction, ANS
		// control, attestation, payment once the window has closed).
		if n := ev.Dossier.NextAction; n != nil && !n.Due.IsZero() && !n.Due.After(limit) {
			dues = append(dues, due{Applicant: id, Result: care.Result{Objective: "dossier", Entity: string(ev.Applicant),
				EntityName: ev.ApplicantName, Status: care.InProgress, Reason: n.Action, Evidence: []care.Evidence{}, Next: n}, Overdue: n.Due.Before(asOf)})
		}
		if ev.Dossier.Notice != "" {
			notices = append(notices, fmt.Sprintf("%s : %s", id, ev.Dossier.Notice))
		}
	}
	sort.SliceStable(dues, func(i, j int) bool { return dues[i].Result.Next.Due.Before(dues[j].Result.Next.Due) })
	if ef.format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if dues == nil {
			dues = []due{}
		}
		return enc.Encode(dues)
	}
	fmt.Fprintf(env.Stdout, "Échéances jusqu'au %s (évaluation au %s)\n\n", limit.French(), asOf.French())
	for _, n := range notices {
		fmt.Fprintf(env.Stdout, "⚠ %s\n", n)
	}
	if len(notices) > 0 {
		fmt.Fprintln(env.Stdout)
	}
	if len(dues) == 0 {
		fmt.Fprintln(env.Stdout, "Aucune échéance dans cet horizon.")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ÉCHÉANCE\tOBJECTIF\tDOSSIER\tENTITÉ\tACTION")
	for _, d := range dues {
		when := d.Result.Next.Due.French()
		if d.Overdue {
			when += " (en retard)"
		}
		name := d.Result.EntityName
		if name == "" {
			name = d.Result.Entity
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when, d.Result.Objective, d.Applicant, name, d.Result.Next.Action)
	}
	return tw.Flush()
}

// frenchDate writes an ISO date as JJ/MM/AAAA (other text unchanged).
func frenchDate(s string) string {
	if d, err := civil.Parse(s); err == nil {
		return d.French()
	}
	return s
}

// horizon parses "60d", "8w", "2m" or "60" after asOf.
func horizon(asOf civil.Date, s string) (civil.Date, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	unit := "d"
	if n := len(s); n > 0 && strings.ContainsAny(s[n-1:], "dwmj") {
		unit, s = s[n-1:], s[:n-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 3650 {
		return civil.Date{}, usagef("--within : durée invalide %q (exemples : 60d, 8w, 2m)", s+unit)
	}
	switch unit {
	case "w":
		return asOf.AddDays(7 * n), nil
	case "m":
		return asOf.AddMonths(n), nil
	}
	return asOf.AddDays(n), nil
}

func runFiness(ctx context.Context, env *Env, args []string) error {
	const usage = "finess import EXTRACTION.csv [--ej FINESS,…] [--skip-invalid]"
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (isHelp(args[0]) || args[0] == "help") {
			fmt.Fprintf(env.Stdout, "Usage : vigie %s\n", usage)
			return nil
		}
		return usagef("finess : sous-commande attendue « import » (usage : vigie %s)", usage)
	}
	fs := newFlags(env, "finess import", usage)
	var sf storeFlags
	sf.register(fs)
	ejList := fs.String("ej", "", "ne garder que ces EJ (FINESS séparés par des virgules) et leurs EG")
	skip := fs.Bool("skip-invalid", false, "importer les lignes valides même si d'autres sont invalides")
	pos, err := parse(env, fs, usage, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("finess import : un fichier CSV est attendu (usage : vigie %s)", usage)
	}
	keep := map[org.FINESS]bool{}
	for _, s := range strings.FieldsFunc(*ejList, func(r rune) bool { return r == ',' }) {
		f, err := org.ParseFINESS(s)
		if err != nil {
			return usagef("--ej : %s", err)
		}
		keep[f] = true
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return inputErr(fmt.Errorf("finess import : %w", err))
	}
	defer f.Close()
	x, err := org.ReadEtalab(f)
	if err != nil {
		return inputErr(fmt.Errorf("%s : %w", pos[0], err))
	}
	if len(x.Errors) > 0 {
		for i, e := range x.Errors {
			if i == 20 {
				fmt.Fprintf(env.Stderr, "… et %s\n", french.Plural(len(x.Errors)-20, "autre ligne invalide", "autres lignes invalides"))
				break
			}
			fmt.Fprintf(env.Stderr, "%s : %s\n", pos[0], e)
		}
		if !*skip {
			return inputErr(fmt.Errorf("%s : %s, rien n'a été importé (--skip-invalid pour importer les lignes valides)", pos[0],
				french.Plural(len(x.Errors), "ligne invalide", "lignes invalides")))
		}
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	var es []org.Entity
	newEJ := 0
	for _, e := range x.Entities() {
		ej := e.FINESS
		if e.Kind == org.EG {
			ej = e.Parent
		}
		if len(keep) > 0 && !keep[ej] {
			continue
		}
		if e.Kind == org.EJ {
			// The extraction does not describe EJ: never overwrite a known one.
			if _, err := st.Entity(ctx, e.FINESS); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			newEJ++
		}
		es = append(es, e)
	}
	stats, err := st.UpsertEntities(ctx, es)
	if err != nil {
		return fmt.Errorf("finess import : %w", err)
	}
	fmt.Fprintf(env.Stdout, "%s (extraction %s du %s) : %s, %d mis à jour, %s.\n",
		french.Plural(len(es), "établissement lu", "établissements lus"), x.Version, frenchDate(x.Date),
		french.Plural(stats.Added, "ajouté", "ajoutés"), stats.Updated, french.Plural(stats.Unchanged, "inchangé", "inchangés"))
	if newEJ > 0 {
		fmt.Fprintf(env.Stdout, "%s sans statut juridique : l'extraction des établissements ne le donne pas ; complétez-le (dossier ou saisie) pour que les objectifs par EJ/EG s'évaluent.\n",
			french.Plural(newEJ, "EJ nouvelle", "EJ nouvelles"))
	}
	return nil
}
