package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/policy"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/probe"
	"vigie/internal/exposure/scan"
	"vigie/internal/exposure/scope"
	"vigie/internal/exposure/vulndb"
	"vigie/internal/french"
)

// runExposure dispatches the « vigie exposure » subcommands.
func runExposure(ctx context.Context, env *Env, args []string) error {
	subs := exposureSubcommands()
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage : vigie exposure SOUS-COMMANDE [options]\n\nSous-commandes :")
		for _, s := range subs {
			fmt.Fprintf(env.Stdout, "  %-8s %s\n", s.name, s.summary)
		}
		if len(args) == 0 {
			return ExitStatus(2)
		}
		return nil
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, env, args[1:])
		}
	}
	return usagef("exposure : sous-commande inconnue %q (voir « vigie exposure -h »)", args[0])
}

const scanUsage = "exposure scan [CIBLES…] [--perimeter FICHIER] [--ports 22,80,443,8000-8100|default|top-1000] [--syn] [--resolver 127.0.0.1:53] [--format table|json|jsonl|csv|sarif] [-o FICHIER] [--fail-on critical] [--quiet] [--save --entity FINESS[,FINESS…]] [--queue --entity FINESS [--perimeter FICHIER]] [--allow-private-targets]"

// exposureScan runs « vigie exposure scan ».
func exposureScan(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "exposure scan", scanUsage)
	perimFile := fs.String("perimeter", "", "fichier de périmètre (format : docs/perimeter.md) ; sans lui, les cibles forment le périmètre")
	ports := fs.String("ports", "default", "ports : default, top-1000 ou une liste 22,80,443,8000-8100")
	resolver := fs.String("resolver", "", "serveur DNS hôte:port (défaut : celui de /etc/resolv.conf)")
	format := fs.String("format", "table", "format de sortie : table, json, jsonl, csv, sarif")
	var out string
	fs.StringVar(&out, "o", "", "écrire le résultat dans ce fichier")
	fs.StringVar(&out, "output", "", "écrire le résultat dans ce fichier")
	failOn := fs.String("fail-on", "", "code de sortie 3 s'il existe un constat de cette sévérité ou plus grave (critical, high, medium, low, info)")
	quiet := fs.Bool("quiet", false, "aucune progression sur le terminal")
	concurrency := fs.Int("concurrency", 1024, "tentatives de connexion simultanées")
	hostConcurrency := fs.Int("host-concurrency", 256, "tentatives de connexion simultanées vers un même hôte")
	rate := fs.Float64("rate", 0, "tentatives de connexion par seconde, tous hôtes confondus (0 : sans limite)")
	hostRate := fs.Float64("host-rate", 0, "tentatives de connexion par seconde et par hôte (0 : sans limite)")
	timeout := fs.Duration("timeout", 1500*time.Millisecond, "attente maximale d'une réponse TCP (adaptée au temps de réponse mesuré, entre 250 ms et cette valeur)")
	retries := fs.Int("retries", 1, "nouvelles tentatives après un délai dépassé")
	syn := fs.Bool("syn", false, "scan SYN par paquets bruts, sans connexion complète (root ou CAP_NET_RAW, Linux ; sinon scan par connexion)")
	probeTimeout := fs.Duration("probe-timeout", 4*time.Second, "durée maximale d'une connexion d'identification")
	state := fs.String("state", "", "fichier d'état : reprend un scan interrompu, mis à jour en cours de route")
	noProbe := fs.Bool("no-probe", false, "scan des ports seul, sans identification ni constats")
	maxAddr := fs.Int("max-addresses", scope.DefaultMaxAddresses, "nombre maximal d'adresses du périmètre")
	policyFile := fs.String("policy", "", "fichier de politique de sévérité qui complète la politique par défaut")
	nmapProbes := fs.String("nmap-probes", probe.DefaultNmapProbes, "fichier nmap-service-probes : ses sondes TCP et ses motifs nomment ce que les sondes de Vigie ne reconnaissent pas (vide : désactivé ; ignoré s'il est absent)")
	allowPrivate := fs.Bool("allow-private-targets", false, "laboratoire seulement : autoriser les adresses non publiques (boucle locale, RFC 1918, CGNAT, lien local, ULA, documentation…), refusées par défaut")
	var save saveFlags
	save.register(fs)
	entityList := fs.String("entity", "", "avec --save : FINESS des entités dont l'audit couvre le périmètre (séparés par des virgules ; défaut : les entités du fichier de périmètre)")
	queue := fs.Bool("queue", false, "mettre l'audit en file (il est exécuté par « vigie worker » ou « vigie serve ») au lieu de le lancer ici ; demande --entity ; sans --perimeter, le périmètre approuvé de l'établissement")
	targets, err := parse(env, fs, scanUsage, args)
	if err != nil {
		return err
	}
	entities, err := parseEntities("entity", *entityList)
	if err != nil {
		return err
	}
	if *queue {
		return queueExposure(ctx, env, &save, entities, *perimFile, *ports, targets)
	}
	switch *format {
	case "table", "json", "jsonl", "csv", "sarif":
	default:
		return usagef("exposure scan : format inconnu %q (table, json, jsonl, csv, sarif)", *format)
	}
	var failSev exposure.Severity
	if *failOn != "" {
		failSev = exposure.Severity(strings.ToLower(*failOn))
		if failSev.Rank() >= len(exposure.Severities) {
			return usagef("exposure scan : --fail-on %q inconnu (critical, high, medium, low, info)", *failOn)
		}
	}
	portList, err := portscan.ParseSet(*ports)
	if err != nil {
		return usagef("exposure scan : --ports : %v", err)
	}
	perim, err := buildPerimeter(*perimFile, targets)
	if err != nil {
		return err
	}
	if save.save && len(entities) == 0 {
		if entities, err = parseEntities("entity", strings.Join(perim.Entities, ",")); err != nil {
			return inputErr(fmt.Errorf("périmètre %s : %w", *perimFile, err))
		}
		if len(entities) == 0 {
			return usagef("exposure scan : --save demande --entity FINESS (ou des lignes « entity » dans le périmètre)")
		}
	}
	res, err := perimeterResolver(perim, *resolver)
	if err != nil {
		return err
	}
	judges, err := exposureJudges(env, *policyFile)
	if err != nil {
		return err
	}
	var set *probe.Set
	if !*noProbe { // the probes (and nmap's file, 25 ms to read) serve identification only
		if set, err = probeSet(*nmapProbes); err != nil {
			return err
		}
	}
	cfg := scan.Config{
		Probes:    set,
		Perimeter: perim, Resolver: res, Ports: portList, NoProbe: *noProbe,
		ProbeTimeout: *probeTimeout, MaxAddresses: *maxAddr, Now: env.Now, Judges: judges, AllowPrivateTargets: *allowPrivate,
		Scan: portscan.Options{Concurrency: *concurrency, HostConcurrency: *hostConcurrency, Rate: *rate, PerHostRate: *hostRate,
			Timeout: *timeout, Retries: *retries, StatePath: *state, SYN: *syn},
	}
	if *syn {
		if err := portscan.CheckSYN(); err != nil {
			fmt.Fprintf(env.Stderr, "attention : %v\n", err)
		}
	}
	if env.IsTerminal && !*quiet {
		cfg.Scan.Progress = func(done, total uint64, open int) {
			fmt.Fprintf(env.Stderr, "\rscan : %d/%d tentatives (%d %%), %s   ", done, total, done*100/max(total, 1), french.Plural(open, "port ouvert", "ports ouverts"))
			if done == total {
				fmt.Fprintln(env.Stderr)
			}
		}
	}
	result, runErr := scan.Run(ctx, cfg)
	if result == nil {
		if runErr != nil && isInputProblem(runErr) {
			return inputErr(runErr)
		}
		return fmt.Errorf("exposure scan : %w", runErr)
	}
	if !*quiet {
		for _, p := range result.Problems {
			fmt.Fprintf(env.Stderr, "attention : %s\n", p)
		}
	}
	if err := writeScanOutput(env, out, *format, result); err != nil {
		return err
	}
	if !*quiet {
		printUnidentified(env, result.Unidentified)
	}
	if runErr != nil {
		return fmt.Errorf("exposure scan : %w (résultat partiel écrit, non enregistré)", runErr)
	}
	if save.save {
		id, err := save.saveExposure(ctx, env, entities, result.Audit)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Audit enregistré sous l'identifiant %s (source vigie : indicatif pour D1.O2, voir « vigie status --include-vigie »).\n", id)
	}
	if failSev != "" {
		for _, f := range result.Audit.Findings {
			if f.Severity.Rank() <= failSev.Rank() {
				return ExitStatus(3)
			}
		}
	}
	return nil
}

// isInputProblem tells perimeter errors (exit 2) from run failures.
func isInputProblem(err error) bool {
	var pe *scope.PerimeterError
	var npe *scope.NonPublicError
	return errors.As(err, &pe) || errors.As(err, &npe)
}

// buildPerimeter reads the perimeter file and applies the command-line targets.
func buildPerimeter(file string, targets []string) (*scope.Perimeter, error) {
	if file == "" {
		if len(targets) == 0 {
			return nil, usagef("exposure scan : indiquez des cibles ou --perimeter FICHIER (voir « vigie exposure scan -h »)")
		}
		p := &scope.Perimeter{}
		for _, t := range targets {
			if err := p.AddTarget(t); err != nil {
				return nil, inputErr(fmt.Errorf("cible %s : %w", t, err))
			}
		}
		return p, nil
	}
	p, err := scope.ParseFile(file)
	if err != nil {
		return nil, inputErr(err)
	}
	if len(targets) == 0 {
		return p, nil
	}
	sub, err := scope.Restrict(p, targets)
	if err != nil {
		return nil, inputErr(fmt.Errorf("%w (périmètre : %s)", err, file))
	}
	return sub, nil
}

// perimeterResolver returns the DNS resolver the perimeter needs (nil
// when it only holds addresses): addr when given, else the system's.
func perimeterResolver(p *scope.Perimeter, addr string) (*scope.Resolver, error) {
	if len(p.Hosts) == 0 && len(p.Domains) == 0 {
		return nil, nil
	}
	if addr != "" {
		return &scope.Resolver{Addr: addr}, nil
	}
	res, err := scope.SystemResolver()
	if err != nil {
		return nil, inputErr(err)
	}
	return res, nil
}

// probeSet returns the protocol probes, with the probes and patterns of the
// nmap-service-probes file when given (the default file may be absent).
func probeSet(nmapProbes string) (*probe.Set, error) {
	set := probe.DefaultSet()
	if nmapProbes == "" {
		return set, nil
	}
	db, err := probe.LoadNmapProbes(nmapProbes)
	switch {
	case err == nil:
		set.WithNmap(db)
	case nmapProbes != probe.DefaultNmapProbes:
		return nil, inputErr(err)
	}
	return set, nil
}

// exposureJudges loads the severity policy and, when installed, the vulnerability database.
func exposureJudges(env *Env, policyFile string) ([]scan.Judge, error) {
	pol, err := policy.Default()
	if err != nil {
		return nil, fmt.Errorf("politique de sévérité : %w", err)
	}
	if policyFile != "" {
		if pol, err = policy.Load(policyFile); err != nil {
			return nil, inputErr(err)
		}
	}
	judges := []scan.Judge{pol.Judge}
	if dir, err := vulndb.DefaultDir(env.Getenv); err == nil {
		if db, err := vulndb.Open(dir); err == nil {
			judges = append(judges, db.Findings)
		} else {
			fmt.Fprintf(env.Stderr, "attention : base de vulnérabilités illisible (%v), constats par version ignorés\n", err)
		}
	}
	return judges, nil
}
