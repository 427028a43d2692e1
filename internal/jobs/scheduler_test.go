package jobs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestSchedulerEnqueuesDueAuditOnce runs two engines on one database with
// the scheduler on: the due exposure audit of a schedule is enqueued once,
// run, and the next one is planned 30 days later.
func TestSchedulerEnqueuesDueAuditOnce(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, ej := openTestStore(t, db.dsn(t), testKey())
			ref, err := st.SavePerimeterSnapshot(ctx, "net 192.0.2.0/30\n", "test")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SaveSchedule(ctx, store.Schedule{Kind: store.ScheduleExposure, Applicant: string(ej), Subject: string(ej),
				Perimeter: ref, Ports: "443", EveryDays: 30, Enabled: true}, "rssi"); err != nil {
				t.Fatal(err)
			}
			cat, err := care.DefaultCatalogue()
			if err != nil {
				t.Fatal(err)
			}
			fake := &fakeExposure{}
			var engines []*Engine
			for i := range 2 {
				p := &Planner{Store: st, Catalogue: cat}
				e := startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: fake.engines(),
					ID: fmt.Sprintf("e%d", i), PollInterval: 100 * time.Millisecond, Scheduler: p.SchedulerConfig(time.Second)})
				engines = append(engines, e)
			}
			deadline := time.Now().Add(60 * time.Second)
			var list []Job
			for {
				if list, err = engines[0].Jobs(ctx, ListFilter{}); err != nil {
					t.Fatal(err)
				}
				if len(list) > 0 && list[0].Finished() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("aucun audit planifié terminé en 60 s : %+v", list)
				}
				time.Sleep(200 * time.Millisecond)
			}
			time.Sleep(4 * time.Second) // several more ticks
			if list, err = engines[0].Jobs(ctx, ListFilter{}); err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].State != "completed" || list[0].Schedule != "exposure:"+string(ej) || list[0].By != SchedulerActor {
				t.Fatalf("tâches après plusieurs passages du planificateur : %+v", list)
			}
			runs, err := st.ScheduleRuns(ctx, "exposure:"+string(ej))
			if err != nil || len(runs) != 1 || runs[0].JobID != list[0].ID || runs[0].DueOn.String() != list[0].DueOn {
				t.Fatalf("lancements enregistrés : %v %+v", err, runs)
			}
			scs, _ := st.Schedules(ctx, string(ej))
			f, _ := st.LoadFacts(ctx, string(ej))
			p := &Planner{Store: st, Catalogue: cat}
			next := p.PlanOf(scs[0], &f, runs[0].DueOn).Next()
			if next != runs[0].DueOn.AddDays(30) {
				t.Fatalf("prochain audit %s, attendu %s", next, runs[0].DueOn.AddDays(30))
			}
			if fake.calls.Load() != 1 {
				t.Fatalf("%d scans, attendu 1", fake.calls.Load())
			}
		})
	}
}

// TestPlannerWaitsForApproval: a schedule of an approved perimeter is not
// due while the perimeter awaits approval (its date is not consumed), then
// is, naming the approved perimeter and the dossier.
func TestPlannerWaitsForApproval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	p, app := plannerWithSchedule(t, st, ej)
	sc, err := st.ScheduleOf(ctx, store.ScheduleExposure, string(ej))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	if due, err := p.Due(ctx, now); err != nil || len(due) != 0 {
		t.Fatalf("due without an approved perimeter: %+v %v", due, err)
	}
	if why, err := p.Blocked(ctx, sc); err != nil || !strings.HasPrefix(why, "audits suspendus : ") {
		t.Fatalf("blocked: %q %v", why, err)
	}
	if _, _, err := st.RecordExposurePerimeter(ctx, ej, "net 192.0.2.0/29\n", "rssi"); err != nil {
		t.Fatal(err)
	}
	if err := st.ApproveExposurePerimeter(ctx, ej, 1, "referent"); err != nil {
		t.Fatal(err)
	}
	due, err := p.Due(ctx, now)
	if err != nil || len(due) != 1 || due[0].Exposure == nil || due[0].Exposure.Perimeter != ApprovedRef(ej) ||
		due[0].Exposure.Applicant != app.ID || due[0].DueOn != "2026-01-10" {
		t.Fatalf("due once approved: %+v %v", due, err)
	}
	if why, err := p.Blocked(ctx, sc); err != nil || why != "" {
		t.Fatalf("not blocked once approved: %q %v", why, err)
	}
}

// TestPlannerRereadsOnlyChangedDossiers: between two ticks without a
// write the planner keeps the dossier's facts it read; an audit stored in
// the meantime makes it read them again, and the audit moves the next date.
func TestPlannerRereadsOnlyChangedDossiers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	p, app := plannerWithSchedule(t, st, ej)
	if _, _, err := st.RecordExposurePerimeter(ctx, ej, "net 192.0.2.0/29\n", "rssi"); err != nil {
		t.Fatal(err)
	}
	if err := st.ApproveExposurePerimeter(ctx, ej, 1, "referent"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	read := func() *care.Facts {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.facts[app.ID].f
	}
	if due, err := p.Due(ctx, now); err != nil || len(due) != 1 {
		t.Fatalf("first tick: %+v %v", due, err)
	}
	first := read()
	if due, err := p.Due(ctx, now); err != nil || len(due) != 1 || read() != first {
		t.Fatalf("second tick without a write: %+v %v, facts read again: %v", due, err, read() != first)
	}
	f, err := st.LoadFacts(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.ExposureAudits = append(f.ExposureAudits, care.ExposureAudit{ID: "exp-essai", Entities: []org.FINESS{ej},
		Date: civil.Of(now), CompletePerimeter: true, Counts: &care.Counts{}, Source: "vigie"})
	if _, err := st.ImportFacts(ctx, f, "test"); err != nil {
		t.Fatal(err)
	}
	due, err := p.Due(ctx, now)
	if err != nil || len(due) != 0 || read() == first || len(read().ExposureAudits) != 1 {
		t.Fatalf("after a stored audit: due %+v %v, facts read again: %v", due, err, read() != first)
	}
}

// plannerWithSchedule schedules an exposure audit of ej's approved
// perimeter every 30 days and returns a planner of the default catalogue
// and ej's dossier.
func plannerWithSchedule(t *testing.T, st *store.Store, ej org.FINESS) (*Planner, store.Applicant) {
	t.Helper()
	ctx := context.Background()
	app, err := st.ApplicantOf(ctx, ej)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSchedule(ctx, store.Schedule{Kind: store.ScheduleExposure, Applicant: app.ID, Subject: string(ej),
		Perimeter: ApprovedRef(ej), Ports: "443", EveryDays: 30, Enabled: true}, "rssi"); err != nil {
		t.Fatal(err)
	}
	cat, err := care.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return &Planner{Store: st, Catalogue: cat}, app
}
