package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// runWorker runs « vigie worker »: audit jobs, no web server.
func runWorker(ctx context.Context, env *Env, args []string) error {
	const usage = "worker [--data DOSSIER | --database postgres://…] [--key-file FICHIER] [--queues exposure=4,ad=1] [--id NOM] [--allow-private-targets]"
	fs := newFlags(env, "worker", usage)
	var sf storeFlags
	sf.register(fs)
	queues := fs.String("queues", "exposure=4,ad=1", "files traitées et nombre de tâches simultanées par file")
	var jf jobFlags
	jf.register(fs)
	fs.BoolVar(&jf.allowPrivate, "allow-private-targets", false, "laboratoire seulement : autoriser les audits d'exposition vers des adresses non publiques (boucle locale, RFC 1918…) ; jamais par défaut")
	pos, err := parse(env, fs, usage, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("worker : aucun argument attendu (usage : vigie %s)", usage)
	}
	qs, err := parseQueues(*queues)
	if err != nil {
		return usagef("worker : --queues %v", err)
	}
	st, err := sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	eng, err := openJobs(ctx, env, st, qs, &jf, log)
	if err != nil {
		return err
	}
	defer eng.Close()
	if err := eng.Start(ctx); err != nil {
		return err
	}
	if jf.allowPrivate {
		fmt.Fprintln(env.Stderr, "attention : --allow-private-targets : les audits d'exposition peuvent viser des adresses non publiques (usage de laboratoire)")
	}
	fmt.Fprintf(env.Stdout, "Exécutant %s prêt (files : %s).\n", eng.ID(), *queues)
	<-ctx.Done()
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return eng.Stop(stop)
}
