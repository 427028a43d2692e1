package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"vigie/internal/demo"
	"vigie/internal/web"
)

func runServe(ctx context.Context, env *Env, args []string) error {
	const usage = "serve [--listen 127.0.0.1:8080] [--data DOSSIER | --database postgres://…] [--demo] [--timezone Europe/Paris] [--tls-cert FICHIER --tls-key FICHIER]"
	fs := newFlags(env, "serve", usage)
	var sf storeFlags
	sf.register(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "adresse et port d'écoute")
	demoMode := fs.Bool("demo", false, "charger le GHT de démonstration et créer des comptes de démonstration (base temporaire sans --data ni --database)")
	certFile := fs.String("tls-cert", "", "certificat TLS (PEM) : servir en HTTPS")
	keyFile := fs.String("tls-key", "", "clé privée TLS (PEM)")
	zone := fs.String("timezone", "", "fuseau horaire des dates et heures affichées (défaut : $VIGIE_TIMEZONE, sinon "+web.DefaultTimeZone+")")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("serve : aucun argument attendu (usage : vigie %s)", usage)
	}
	if (*certFile == "") != (*keyFile == "") {
		return usagef("serve : --tls-cert et --tls-key vont ensemble")
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
	cfg := web.Config{Store: st, Now: env.Now, Logger: log, Engines: newEngines(env), Location: loc}
	if *demoMode {
		cfg.DemoDate = demo.AsOf()
	}
	srv, err := web.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close() // stops the background audits
	if err := srv.FailInterruptedJobs(ctx); err != nil {
		return err
	}
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
