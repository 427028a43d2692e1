package alert

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/store"
)

// DefaultDeadlineDays is how many days before a deadline DeadlineSoon is told.
const DefaultDeadlineDays = 30

// Watcher evaluates every dossier periodically (a leader-only job of the
// job engine) and turns what changed into events: an objective that turned
// « non atteint » since the previous evaluation, whose statuses the store
// keeps, and a deadline within DeadlineDays. The first evaluation of a
// dossier is its baseline: it tells deadlines, never a turn.
type Watcher struct {
	Store     *store.Store
	Catalogue *care.Catalogue // care.DefaultCatalogue when nil
	Notifier  *Notifier
	// DeadlineDays (DefaultDeadlineDays when zero).
	DeadlineDays int
	// Location is the time zone of "today" (the application's, as « vigie
	// serve --timezone »; time.Local when nil).
	Location *time.Location
}

// Check evaluates every dossier at now's date and notifies the events;
// it returns how many events were seen (before deduplication per
// subscriber). A dossier that cannot be evaluated is reported in the
// error and the others are still checked.
func (w *Watcher) Check(ctx context.Context, now time.Time) (int, error) {
	cat := w.Catalogue
	if cat == nil {
		c, err := care.DefaultCatalogue()
		if err != nil {
			return 0, err
		}
		cat = c
	}
	days := w.DeadlineDays
	if days <= 0 {
		days = DefaultDeadlineDays
	}
	apps, err := w.Store.Applicants(ctx)
	if err != nil {
		return 0, err
	}
	loc := w.Location
	if loc == nil {
		loc = time.Local
	}
	today := civil.Of(now.In(loc))
	var errs []error
	seen := 0
	for _, a := range apps {
		evs, cur, err := w.checkOne(ctx, cat, a.ID, today, now, days)
		if err != nil {
			errs = append(errs, fmt.Errorf("dossier %s : %w", a.ID, err))
			continue
		}
		seen += len(evs)
		if len(evs) > 0 && w.Notifier != nil {
			// A sending that fails stays pending (Flush retries it); an
			// event that could not even be recorded keeps the old
			// statuses, so that the next check sees the turn again.
			if err := w.Notifier.Notify(ctx, evs); err != nil {
				errs = append(errs, err)
				if !errors.Is(err, ErrDelivery) {
					continue
				}
			}
		}
		if err := w.Store.SaveObjectiveStatuses(ctx, a.ID, today, cur); err != nil {
			errs = append(errs, err)
		}
	}
	return seen, errors.Join(errs...)
}

// checkOne evaluates a dossier and compares it with the saved statuses;
// it returns the events and the statuses to save.
func (w *Watcher) checkOne(ctx context.Context, cat *care.Catalogue, app string, today civil.Date, now time.Time, days int) ([]Event, []store.ObjectiveStatus, error) {
	f, err := w.Store.LoadFacts(ctx, app)
	if err != nil {
		return nil, nil, err
	}
	ev, err := cat.Evaluate(&f, today, care.Options{})
	if err != nil {
		return nil, nil, err
	}
	prev, at, err := w.Store.ObjectiveStatuses(ctx, app)
	if err != nil {
		return nil, nil, err
	}
	var evs []Event
	if !at.IsZero() {
		old := make([]care.Result, len(prev))
		for i, p := range prev {
			old[i] = care.Result{Objective: p.Objective, Entity: p.Entity, Status: care.Status(p.Status)}
		}
		evs = TurnedNotMet(app, old, ev.Results, today, now)
	}
	evs = append(evs, DeadlinesWithin(app, ev.Results, today, days, now)...)
	cur := make([]store.ObjectiveStatus, len(ev.Results))
	for i, r := range ev.Results {
		cur[i] = store.ObjectiveStatus{Objective: r.Objective, Entity: r.Entity, Status: string(r.Status)}
	}
	return evs, cur, nil
}
