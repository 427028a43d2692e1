package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/schedule"
	"vigie/internal/store"
)

// Rules of the catalogue the planner reads its thresholds from.
const (
	ruleCleanPair        = "exposure-clean-pair"
	ruleExposureCadence  = "exposure-cadence"
	ruleADCadence        = "ad-cadence"
	defaultReminderLeadD = 14
)

// Planner plans the stored schedules with the programme's catalogue: the
// wave's deadline and the 45–60 day spacing of the clean pair come from
// there, never from code.
type Planner struct {
	Store     *store.Store
	Catalogue *care.Catalogue
	// Location is the time zone of "today" (time.Local when nil).
	Location *time.Location

	// Each tick reads the dossiers of the schedules; a dossier no write
	// touched since the previous tick is not read again (at national
	// scale, thousands of dossiers a minute otherwise).
	versions store.VersionTracker
	mu       sync.Mutex
	facts    map[string]versionedFacts // dossier → facts at its version
}

// versionedFacts is a dossier's facts as read at its version.
type versionedFacts struct {
	version int64
	f       *care.Facts
}

// dossierFacts returns the facts of dossier id, read again only when a
// write touched it since they were read (after versions.Sync).
func (p *Planner) dossierFacts(ctx context.Context, id string) (*care.Facts, error) {
	v := p.versions.Dossier(id)
	p.mu.Lock()
	c, ok := p.facts[id]
	p.mu.Unlock()
	if ok && c.version == v {
		return c.f, nil
	}
	f, err := p.Store.LoadFacts(ctx, id)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.facts == nil {
		p.facts = map[string]versionedFacts{}
	}
	p.facts[id] = versionedFacts{version: v, f: &f}
	p.mu.Unlock()
	return &f, nil
}

// SchedulerConfig returns the scheduler settings that enqueue the due
// audits of the planner's schedules every interval.
func (p *Planner) SchedulerConfig(interval time.Duration) *SchedulerConfig {
	return &SchedulerConfig{Interval: interval, Due: p.Due, Enqueued: p.Enqueued}
}

// PlanOf plans one schedule at today, from the dossier's facts.
func (p *Planner) PlanOf(sc store.Schedule, f *care.Facts, today civil.Date) schedule.Plan {
	in := schedule.Input{Kind: schedule.Kind(sc.Kind), Every: sc.EveryDays, LastRun: sc.LastRun, Today: today}
	switch sc.Kind {
	case store.ScheduleExposure:
		for _, a := range f.ExposureAudits {
			if !a.CompletePerimeter || !slices.Contains(a.Entities, org.FINESS(sc.Subject)) {
				continue
			}
			in.Past = append(in.Past, schedule.Past{Date: a.Date, Clean: clean(a)})
		}
		if w, err := p.Catalogue.Wave(f.Wave); err == nil {
			for _, o := range w.Objectives {
				if o.Rule == ruleCleanPair {
					in.Deadline, in.MinGap, in.MaxGap = w.Deadline(), o.Params.MinSpacingDays, o.Params.MaxSpacingDays
				}
			}
		}
	case store.ScheduleAD:
		for _, a := range f.ADAudits {
			if a.Directory == sc.Subject {
				in.Past = append(in.Past, schedule.Past{Date: a.Date, Clean: true})
			}
		}
	}
	return schedule.Make(in)
}

func clean(a care.ExposureAudit) bool {
	if a.Counts != nil {
		return a.Counts.Critical == 0
	}
	return a.NoCritical != nil && *a.NoCritical
}

// Due lists the runs due at now: the enabled schedules whose next planned
// date has come and has no run yet.
func (p *Planner) Due(ctx context.Context, now time.Time) ([]Planned, error) {
	if _, err := p.versions.Sync(ctx, p.Store, 0, false); err != nil {
		return nil, err
	}
	scs, err := p.Store.Schedules(ctx, "")
	if err != nil {
		return nil, err
	}
	loc := p.Location
	if loc == nil {
		loc = time.Local
	}
	today := civil.Of(now.In(loc))
	facts := map[string]*care.Facts{}
	var out []Planned
	for _, sc := range scs {
		if !sc.Enabled {
			continue
		}
		f, ok := facts[sc.Applicant]
		if !ok {
			if f, err = p.dossierFacts(ctx, sc.Applicant); err != nil {
				return nil, fmt.Errorf("planification %s : %w", sc.ID, err)
			}
			facts[sc.Applicant] = f
		}
		next := p.PlanOf(sc, f, today).Next()
		if next.IsZero() || next.After(today) || sc.LastRun == next {
			continue
		}
		// A run that cannot run (perimeter awaiting approval, controller
		// withdrawn…) waits, its date not consumed: the schedules page says why.
		if why, err := p.Blocked(ctx, sc); err != nil {
			return nil, fmt.Errorf("planification %s : %w", sc.ID, err)
		} else if why != "" {
			continue
		}
		pl := Planned{Schedule: sc.ID, DueOn: next.String()}
		if sc.Kind == store.ScheduleExposure {
			pl.Exposure = &ExposureRequest{Applicant: sc.Applicant, Entities: []org.FINESS{org.FINESS(sc.Subject)}, Perimeter: sc.Perimeter, Ports: sc.Ports}
		} else {
			pl.AD = &ADRequest{Applicant: sc.Applicant, Directory: sc.Subject}
		}
		out = append(out, pl)
	}
	p.mu.Lock()
	for id := range p.facts { // dossiers without schedules any more
		if _, ok := facts[id]; !ok {
			delete(p.facts, id)
		}
	}
	p.mu.Unlock()
	return out, nil
}

// Blocked says in French why the runs of a schedule cannot be launched
// now ("" when they can): an exposure audit needs its entity's approved
// perimeter, an AD audit a stored connection to a declared controller.
func (p *Planner) Blocked(ctx context.Context, sc store.Schedule) (string, error) {
	var err error
	switch sc.Kind {
	case store.ScheduleExposure:
		_, err = StoredPerimeters{Store: p.Store}.Perimeter(ctx, []org.FINESS{org.FINESS(sc.Subject)}, sc.Perimeter)
	case store.ScheduleAD:
		_, err = StoredConnections{Store: p.Store}.Connection(ctx, sc.Applicant, sc.Subject)
	}
	if errors.Is(err, ErrRefused) {
		return "audits suspendus : " + strings.TrimPrefix(err.Error(), ErrRefused.Error()+" : "), nil
	}
	return "", err
}

// Enqueued records the run of a planned audit.
func (p *Planner) Enqueued(ctx context.Context, pl Planned, jobID int64) error {
	due, err := civil.Parse(pl.DueOn)
	if err != nil {
		return err
	}
	_, err = p.Store.RecordScheduleRun(ctx, pl.Schedule, due, jobID)
	return err
}

// Reminders lists, for a dossier, when the next official audits (sources
// of the catalogue's cadence rules: ADS for the directories, SILENE and
// the others for the legal entities) must be uploaded to stay within the
// cadence.
func (p *Planner) Reminders(f *care.Facts) ([]schedule.Reminder, error) {
	w, err := p.Catalogue.Wave(f.Wave)
	if err != nil {
		return nil, err
	}
	var out []schedule.Reminder
	for _, o := range w.Objectives {
		if len(o.Params.Sources) == 0 || o.Params.MaxIntervalDays == 0 {
			continue
		}
		official := func(src string) bool { return slices.Contains(o.Params.Sources, src) }
		switch o.Rule {
		case ruleADCadence:
			for _, d := range f.Directories {
				var last civil.Date
				for _, a := range f.ADAudits {
					if a.Directory == d.ID && official(a.Source) && a.Date.After(last) {
						last = a.Date
					}
				}
				r := schedule.OfficialReminder(o.Params.Sources[0], last, o.Params.MaxIntervalDays, defaultReminderLeadD, w.Deadline())
				r.Message = fmt.Sprintf("Annuaire %s : %s", d.ID, r.Message)
				out = append(out, r)
			}
		case ruleExposureCadence:
			for _, e := range f.Entities {
				if e.Kind != org.EJ {
					continue
				}
				var last civil.Date
				for _, a := range f.ExposureAudits {
					if a.CompletePerimeter && official(a.Source) && slices.Contains(a.Entities, e.FINESS) && a.Date.After(last) {
						last = a.Date
					}
				}
				r := schedule.OfficialReminder(o.Params.Sources[0], last, o.Params.MaxIntervalDays, defaultReminderLeadD, w.Deadline())
				r.Message = fmt.Sprintf("%s (%s) : %s", e.Name, e.FINESS, r.Message)
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("aucune règle de cadence avec des sources officielles dans le catalogue")
	}
	return out, nil
}
