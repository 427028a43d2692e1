package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie/internal/demo"
	"vigie/internal/store"
	"vigie/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	const usage = "serve [--listen 127.0.0.1:8080] [--data DOSSIER | --database postgres://…] [--demo] [--timezone Europe/Paris] [--tls-cert FICHIER --tls-key FICHIER] [--idle-timeout 30m] [--evidence-quota 2048] [--max-audits 4] [--trusted-proxy CIDR,…] [--allow-private-targets] [--workers exposure=2,ad=1|0]"
	fs := newFlags(env, "serve", usage)
	var sf storeFlags
	sf.register(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "adresse et port d'écoute")
	demoMode := fs.Bool("demo", false, "charger le GHT de démonstration et créer des comptes de démonstration (base temporaire sans --data ni --database)")
	certFile := fs.String("tls-cert", "", "certificat TLS (PEM) : servir en HTTPS")
	keyFile := fs.String("tls-key", "", "clé privée TLS (PEM)")
	workers := fs.String("workers", "exposure=2,ad=1", "exécutants d'audits en file dans ce processus, par file ; 0 : aucun (des « vigie worker » s'en chargent)")
	var jf jobFlags
	jf.register(fs)
	allowPrivate := fs.Bool("allow-private-targets", false, "laboratoire seulement : autoriser dans les périmètres et les audits d'exposition les adresses non publiques (boucle locale, RFC 1918, CGNAT, lien local, ULA, documentation…) ; jamais par défaut, même avec --demo")
	proxies := fs.String("trusted-proxy", "", "mandataires inverses de confiance (adresses ou CIDR séparés par des virgules) : l'adresse du client est lue dans leur en-tête X-Forwarded-For")
	quota := fs.Int64("evidence-quota", store.DefaultEvidenceQuota>>20, "pièces justificatives par dossier, en Mio au plus")
	idle := fs.Duration("idle-timeout", web.DefaultIdleTimeout, "fin d'une session après cette durée sans requête (dans la limite absolue de 12 h)")
	maxAudits := fs.Int("max-audits", web.DefaultMaxRunningAudits, "audits en cours au plus sur le serveur (un seul audit d'exposition à la fois par établissement)")
	zone := fs.String("timezone", "", "fuseau horaire des dates et heures affichées (défaut : $VIGIE_TIMEZONE, sinon "+web.DefaultTimeZone+")")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("serve : aucun argument attendu (usage : vigie %s)", usage)
	}
	queues, err := parseQueues(*workers)
	if err != nil {
		return usagef("serve : --workers %v", err)
	}
	if (*certFile == "") != (*keyFile == "") {
		return usagef("serve : --tls-cert et --tls-key vont ensemble")
	}
	if *quota < 1 {
		return usagef("serve : --evidence-quota : 1 Mio au moins")
	}
	sf.evidenceQuota = *quota << 20
	if *idle < time.Minute {
		return usagef("serve : --idle-timeout : une minute au moins")
	}
	if *maxAudits < 1 {
		return usagef("serve : --max-audits : au moins 1")
	}
	var trusted []netip.Prefix
	for _, p := range strings.FieldsFunc(*proxies, func(r rune) bool { return r == ',' || r == ' ' }) {
		pf, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return usagef("serve : --trusted-proxy : %q n'est ni une adresse ni un réseau CIDR", p)
			}
			pf = netip.PrefixFrom(a, a.BitLen())
		}
		trusted = append(trusted, pf.Masked())
	}
	if *zone == "" {
		*zone = env.Getenv("VIGIE_TIMEZONE")
	}
	loc, err := web.LoadTimeZone(*zone)
	if err != nil {
		return usagef("serve : --timezone : %v", err)
	}
	if *demoMode && sf.data == "" && sf.database == "" {
		dir, err := os.MkdirTemp("", "vigie-demo-")
		if err != nil {
			return fmt.Errorf("dossier temporaire de démonstration : %w", err)
		}
		defer os.RemoveAll(dir)
		sf.data, sf.database = dir, "sqlite:"+filepath.Join(dir, "vigie.db")
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if *demoMode {
		accounts, err := web.SetupDemo(ctx, st, web.DefaultArgon2())
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "Démonstration : GHT fictif CVL-99 chargé. Comptes (mots de passe générés pour cette session) :")
		for _, a := range accounts {
			fmt.Fprintf(env.Stdout, "  %-15s %s  — %s\n", a.Login, a.Password, a.Note)
		}
		fmt.Fprintf(env.Stdout, "Les pages s'ouvrent à la date des données de démonstration (%s) ; un lien mène à la date du jour.\n", demo.AsOf().French())
	}
	jf.allowPrivate, jf.loc = *allowPrivate, loc
	eng, err := openJobs(ctx, env, st, queues, &jf, log)
	if err != nil {
		return err
	}
	defer eng.Close()
	if len(queues) > 0 && (queues["exposure"] > 0 || queues["ad"] > 0) {
		if err := eng.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			eng.Stop(stop)
		}()
	}
	if *allowPrivate {
		fmt.Fprintln(env.Stderr, "attention : --allow-private-targets : les audits d'exposition peuvent viser des adresses non publiques (usage de laboratoire)")
	}
	cfg := web.Config{Store: st, Now: env.Now, Logger: log, Jobs: eng, Location: loc,
		AllowPrivateTargets: *allowPrivate, MaxRunningAudits: *maxAudits, TrustedProxies: trusted, IdleTimeout: *idle}
	if *demoMode {
		cfg.DemoDate = demo.AsOf()
	}
	srv, err := web.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return inputErr(fmt.Errorf("--listen %s : %w", *listen, err))
	}
	scheme := "http"
	if *certFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(env.Stdout, "Vigie est à l'écoute : ouvrez %s://%s/ (Ctrl+C pour arrêter).\n", scheme, ln.Addr())
	return web.Serve(ctx, ln, srv.Handler(), *certFile, *keyFile, log)
}
