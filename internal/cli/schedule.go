package cli

import (
	"time"

	"vigie/internal/care"
	"vigie/internal/jobs"
	"vigie/internal/store"
)

// newScheduler returns the scheduler of the stored schedules, planned with
// the programme's default catalogue (nil when it cannot be read).
func newScheduler(st *store.Store, interval time.Duration, loc *time.Location) *jobs.SchedulerConfig {
	cat, err := care.DefaultCatalogue()
	if err != nil {
		return nil
	}
	p := &jobs.Planner{Store: st, Catalogue: cat, Location: loc}
	return p.SchedulerConfig(interval)
}
