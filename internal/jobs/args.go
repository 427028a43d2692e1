package jobs

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queues of the audit jobs, and of the engine's own housekeeping.
const (
	QueueExposure = "exposure"
	QueueAD       = "ad"
	// QueueVigie runs the scheduler's tick: every started engine works it
	// with one worker, whatever its other queues.
	QueueVigie = "vigie"
)

// Job kinds, as River stores them.
const (
	KindExposure = "exposure_audit"
	KindAD       = "ad_audit"
	KindTick     = "schedule_tick"
)

// MaxAttempts is how many times an audit job runs before River discards it.
const MaxAttempts = 3

// ExposureArgs are the arguments of an exposure audit job. They name what
// is audited — entities and a perimeter reference — never free-text targets:
// the worker reads the perimeter from its PerimeterSource.
type ExposureArgs struct {
	// Run identifies the job for its whole life (all its attempts): the
	// stored audit's ID derives from it, so that the audit is stored once.
	Run string `json:"run"`
	// Applicant is the dossier the entities belong to (who may see the job
	// and whom its alerts concern).
	Applicant string `json:"applicant,omitempty"`
	// Entities are the FINESS numbers the audit covers.
	Entities []string `json:"entities"`
	// Perimeter references the perimeter to scan (see PerimeterSource).
	Perimeter string `json:"perimeter"`
	// Ports is the port list (« default », « top-1000 », « 22,80,443 »).
	Ports string `json:"ports"`
	// By is who asked for the audit (a login, or « planificateur »).
	By string `json:"by"`
	// Schedule and DueOn identify a planned run: the scheduler enqueues at
	// most one job per schedule and due date.
	Schedule string `json:"schedule,omitempty" river:"unique"`
	DueOn    string `json:"due_on,omitempty" river:"unique"`
}

// Kind names the job kind for River.
func (ExposureArgs) Kind() string { return KindExposure }

// InsertOpts puts the job on the exposure queue; a planned run is unique.
func (a ExposureArgs) InsertOpts() river.InsertOpts {
	return insertOpts(QueueExposure, a.Schedule)
}

// ADArgs are the arguments of an AD audit job: the dossier and the
// directory whose stored connection (see ConnectionSource) is used.
type ADArgs struct {
	Run       string `json:"run"`
	Applicant string `json:"applicant"`
	Directory string `json:"directory"`
	By        string `json:"by"`
	Schedule  string `json:"schedule,omitempty" river:"unique"`
	DueOn     string `json:"due_on,omitempty" river:"unique"`
}

// Kind names the job kind for River.
func (ADArgs) Kind() string { return KindAD }

// InsertOpts puts the job on the ad queue; a planned run is unique.
func (a ADArgs) InsertOpts() river.InsertOpts {
	return insertOpts(QueueAD, a.Schedule)
}

// tickArgs are the arguments of the scheduler's periodic tick.
type tickArgs struct{}

func (tickArgs) Kind() string { return KindTick }

func (tickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueVigie, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

func insertOpts(queue, schedule string) river.InsertOpts {
	o := river.InsertOpts{Queue: queue, MaxAttempts: MaxAttempts}
	if schedule != "" {
		o.UniqueOpts = river.UniqueOpts{ByArgs: true}
	}
	return o
}

// newRun returns a fresh run key.
func newRun() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// ExposureAuditID is the ID under which the exposure audit of a run is stored.
func ExposureAuditID(run string) string { return "ex-job-" + run }

// ADAuditID is the ID under which the AD audit of a run is stored.
func ADAuditID(run string) string { return "ad-job-" + run }
