package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/riverqueue/river"
)

// Limits bound the audit jobs not finished yet (zero: no bound). They are
// checked and the job inserted in one serialised transaction, so that two
// launches at once cannot both pass.
type Limits struct {
	// PerSubject bounds the unfinished audits of one entity (exposure) or
	// one directory (AD), whoever launched them (planned runs included).
	PerSubject int
	// Launched bounds the unfinished audits launched by people (from the
	// web or the command line), planned runs excepted: the scheduler's
	// audits queue behind the workers, a user's could flood them.
	Launched int
}

// QuotaError is a launch refused because a limit is reached; its message
// is French and says which.
type QuotaError struct {
	// Subject is the entity or directory whose limit is reached (empty:
	// the limit of launched audits).
	Subject string
	AD      bool
	Limit   int
}

func (e *QuotaError) Error() string {
	switch {
	case e.Subject != "" && e.AD:
		return fmt.Sprintf("un audit de l'annuaire %s est déjà en file ou en cours : attendez sa fin avant d'en lancer un autre", e.Subject)
	case e.Subject != "":
		return "un audit d'exposition de cet établissement est déjà en file ou en cours : attendez sa fin avant d'en lancer un autre"
	}
	if e.Limit == 1 {
		return "un audit lancé à la main attend déjà ou est en cours, le maximum : réessayez quand il sera terminé"
	}
	return fmt.Sprintf("%d audits lancés à la main attendent déjà ou sont en cours, le maximum : réessayez quand l'un d'eux sera terminé", e.Limit)
}

// quotaLock is the PostgreSQL advisory lock that serialises limited
// launches (River's migrations use riverMigrationLock).
const quotaLock = 7461628

// unfinishedSQL selects the arguments (as JSON text, %s being the
// driver's conversion of the args column) of the audit jobs not finished.
const unfinishedSQL = `SELECT kind, %s FROM river_job WHERE kind IN ('exposure_audit', 'ad_audit')
	AND state IN ('available', 'pending', 'running', 'retryable', 'scheduled')`

// unfinished is what the limits look at in an unfinished job.
type unfinished struct {
	Kind string
	Args struct {
		Entities  []string `json:"entities"`
		Directory string   `json:"directory"`
		Schedule  string   `json:"schedule"`
	}
}

// checkLimits applies lim to the job args, given the unfinished jobs.
func checkLimits(lim Limits, args river.JobArgs, jobs []unfinished) error {
	var subject string
	ad := false
	switch a := args.(type) {
	case ExposureArgs:
		if len(a.Entities) > 0 {
			subject = a.Entities[0]
		}
	case ADArgs:
		subject, ad = a.Directory, true
	}
	perSubject, launched := 0, 0
	for _, j := range jobs {
		if j.Args.Schedule == "" {
			launched++
		}
		if ad && j.Kind == KindAD && j.Args.Directory == subject || !ad && j.Kind == KindExposure && slices.Contains(j.Args.Entities, subject) {
			perSubject++
		}
	}
	if lim.PerSubject > 0 && subject != "" && perSubject >= lim.PerSubject {
		return &QuotaError{Subject: subject, AD: ad, Limit: lim.PerSubject}
	}
	if lim.Launched > 0 && launched >= lim.Launched {
		return &QuotaError{Limit: lim.Launched}
	}
	return nil
}

// readUnfinished reads the rows of unfinishedSQL (pgx or database/sql).
func readUnfinished(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) ([]unfinished, error) {
	var out []unfinished
	for rows.Next() {
		var args string
		u := unfinished{}
		if err := rows.Scan(&u.Kind, &args); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(args), &u.Args); err != nil {
			return nil, fmt.Errorf("arguments d'une tâche en file illisibles : %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// EnqueueExposureLimited queues an exposure audit unless lim is reached
// (*QuotaError).
func (e *Engine) EnqueueExposureLimited(ctx context.Context, r ExposureRequest, lim Limits) (int64, error) {
	if err := validExposure(r); err != nil {
		return 0, err
	}
	return e.insertLimited(ctx, exposureArgs(r), lim)
}

// EnqueueADLimited queues an AD audit unless lim is reached (*QuotaError).
func (e *Engine) EnqueueADLimited(ctx context.Context, r ADRequest, lim Limits) (int64, error) {
	if err := validAD(r); err != nil {
		return 0, err
	}
	return e.insertLimited(ctx, ADArgs{Run: newRun(), Applicant: r.Applicant, Directory: r.Directory, By: r.By}, lim)
}

// insertLimited inserts args in the driver's transaction after checking lim.
func (e *Engine) insertLimited(ctx context.Context, args river.JobArgs, lim Limits) (int64, error) {
	id, err := e.txInsert(ctx, args, func(jobs []unfinished) error { return checkLimits(lim, args, jobs) })
	if _, ok := err.(*QuotaError); ok {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("mise en file de la tâche : %w", err)
	}
	return id, nil
}
