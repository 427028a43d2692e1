package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"vigie/internal/ad"
	"vigie/internal/alert"
	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/jobs"
	"vigie/internal/store"
)

// jobEngines wires the audit engines of the job workers: the same as the
// UI's (newEngines), behind the jobs package's function types. Exposure
// audits refuse non-public destinations unless allowPrivate (lab use).
func jobEngines(env *Env, allowPrivate bool) jobs.Engines {
	e := engines{env: env}
	return jobs.Engines{
		ParsePorts: portscan.ParseSet,
		Exposure: func(ctx context.Context, p *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
			return e.ExposureAudit(ctx, exposureRequest{Perimeter: p, Ports: ports, AllowPrivateTargets: allowPrivate}, progress)
		},
		AD: func(ctx context.Context, c store.ADConnection, progress func(string, int)) (*ad.Report, error) {
			return e.ADAudit(ctx, c, progress)
		},
	}
}

// parseQueues reads « exposure=4,ad=1 » (« 0 »: no queue).
func parseQueues(spec string) (map[string]int, error) {
	out := map[string]int{}
	if strings.TrimSpace(spec) == "0" {
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, n, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("« %s » : attendu FILE=NOMBRE (exposure=4,ad=1)", part)
		}
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 || v > 1000 {
			return nil, fmt.Errorf("« %s » : nombre de tâches simultanées invalide (de 0 à 1000)", part)
		}
		if name != jobs.QueueExposure && name != jobs.QueueAD {
			return nil, fmt.Errorf("« %s » : file inconnue (exposure, ad)", part)
		}
		out[name] = v
	}
	return out, nil
}

// jobFlags are the settings of the processes that run audit jobs.
type jobFlags struct {
	id           string
	jobTimeout   time.Duration
	rescueAfter  time.Duration
	pollInterval time.Duration
	schedule     bool
	tick         time.Duration
	// allowPrivate lets exposure jobs (and webhooks) reach non-public
	// addresses (lab only); serve sets it from its own --allow-private-targets.
	allowPrivate bool
	// loc is the time zone of the saved audits' dates: serve sets it from
	// its --timezone; else $VIGIE_TIMEZONE or Europe/Paris (zoneOf).
	loc *time.Location
	// Alerts: the mail server, and how often the leader evaluates the
	// dossiers and sends the digests.
	smtp         smtpFlags
	alertEvery   time.Duration
	digestEvery  time.Duration
	deadlineDays int
}

func (j *jobFlags) register(fs interface {
	StringVar(*string, string, string, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	BoolVar(*bool, string, bool, string)
	IntVar(*int, string, int, string)
}) {
	fs.StringVar(&j.id, "id", "", "nom de ce processus parmi les exécutants (défaut : machine-pid)")
	fs.DurationVar(&j.jobTimeout, "job-timeout", jobs.DefaultJobTimeout, "durée maximale d'une tentative d'audit")
	fs.DurationVar(&j.rescueAfter, "rescue-after", 0, "délai sans signe de vie de l'exécutant après lequel une tâche en cours est reprise par un autre (défaut : 2 min ; un exécutant vivant en donne un par quart de ce délai)")
	fs.DurationVar(&j.pollInterval, "poll-interval", 0, "intervalle de recherche de tâches (défaut : 1 s)")
	fs.BoolVar(&j.schedule, "schedule", true, "mettre en file les audits planifiés à leur date (le processus élu s'en charge)")
	fs.DurationVar(&j.tick, "schedule-interval", jobs.DefaultTickInterval, "intervalle de recherche des audits planifiés arrivés à échéance")
	fs.DurationVar(&j.alertEvery, "alert-interval", time.Hour, "intervalle d'évaluation des dossiers pour les alertes (objectif devenu « non atteint », échéance proche) ; 0 : jamais")
	fs.DurationVar(&j.digestEvery, "digest-interval", 24*time.Hour, "intervalle d'envoi des résumés d'alertes ; 0 : jamais")
	fs.IntVar(&j.deadlineDays, "deadline-days", alert.DefaultDeadlineDays, "alerte « échéance proche » : jours avant l'échéance")
	j.smtp.register(fs)
}

// openJobs opens the job engine on st; queues empty opens an engine that
// only enqueues and reads jobs.
func openJobs(ctx context.Context, env *Env, st *store.Store, queues map[string]int, jf *jobFlags, log *slog.Logger) (*jobs.Engine, error) {
	allowPrivate := jf != nil && jf.allowPrivate
	cfg := jobs.Config{Store: st, Queues: queues, Engines: jobEngines(env, allowPrivate), Logger: log, Now: env.Now, Location: zoneOf(env)}
	if jf != nil && jf.loc != nil {
		cfg.Location = jf.loc
	}
	if jf != nil {
		cfg.ID, cfg.JobTimeout, cfg.RescueAfter, cfg.PollInterval = jf.id, jf.jobTimeout, jf.rescueAfter, jf.pollInterval
		if jf.schedule {
			cfg.Scheduler = newScheduler(st, jf.tick, cfg.Location)
		}
	}
	if len(queues) > 0 {
		n, err := alertNotifier(env, st, jf, cfg.Location)
		if err != nil {
			return nil, err
		}
		wireAlerts(&cfg, n, log)
		if jf != nil {
			cfg.Periodic = alertTasks(st, n, jf, log)
		}
	}
	return jobs.Open(ctx, cfg)
}
