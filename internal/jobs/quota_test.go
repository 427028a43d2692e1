package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestLimitsAndListing: one unfinished audit per entity or directory,
// at most Launched audits launched by people (planned runs not counted),
// checked and inserted in one serialised transaction even when launches
// race; and the listing by dossier.
func TestLimitsAndListing(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, _ := openTestStore(t, db.dsn(t), testKey())
			e, err := Open(ctx, Config{Store: st}) // no workers: jobs stay queued
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			lim := Limits{PerSubject: 1, Launched: 3}
			ents := make([]org.FINESS, 6)
			for i := range ents {
				ents[i] = fin(t, fmt.Sprintf("6900020%d", i))
			}
			exp := func(i int, app string) ExposureRequest {
				return ExposureRequest{Applicant: app, Entities: []org.FINESS{ents[i]}, Perimeter: ApprovedRef(ents[i]), By: "rssi"}
			}
			if _, err := e.EnqueueExposureLimited(ctx, exp(0, "A"), lim); err != nil {
				t.Fatal(err)
			}
			var qe *QuotaError
			if _, err := e.EnqueueExposureLimited(ctx, exp(0, "A"), lim); !errors.As(err, &qe) || qe.Subject != string(ents[0]) {
				t.Fatalf("second audit of the entity: %v", err)
			}
			// A planned run of another entity does not count among the launched.
			if _, err := e.EnqueuePlanned(ctx, Planned{Schedule: "exposure:x", DueOn: "2026-01-10", Exposure: &ExposureRequest{Applicant: "B",
				Entities: []org.FINESS{ents[5]}, Perimeter: ApprovedRef(ents[5])}}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.EnqueueExposureLimited(ctx, exp(5, "B"), lim); !errors.As(err, &qe) || qe.Subject != string(ents[5]) {
				t.Fatalf("launch while a planned run of the entity waits: %v", err)
			}
			// Concurrent launches for distinct entities: never more than Launched.
			var wg sync.WaitGroup
			var ok atomic.Int32
			for i := 1; i < 5; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := e.EnqueueExposureLimited(ctx, exp(i, "A"), lim); err == nil {
						ok.Add(1)
					} else if !errors.As(err, new(*QuotaError)) {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 2 {
				t.Errorf("%d concurrent launches passed, want 2 (limit 3, one waiting)", ok.Load())
			}
			if _, err := e.EnqueueADLimited(ctx, ADRequest{Applicant: "B", Directory: "ad-b", By: "rssi"}, Limits{PerSubject: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.EnqueueADLimited(ctx, ADRequest{Applicant: "B", Directory: "ad-b", By: "rssi"}, Limits{PerSubject: 1}); !errors.As(err, &qe) ||
				!qe.AD || !strings.Contains(qe.Error(), "annuaire ad-b") {
				t.Fatalf("second AD audit of the directory: %v", err)
			}
			// Listing by dossier (a JSON field of River's arguments, on both drivers).
			a, err := e.Jobs(ctx, ListFilter{Applicants: []string{"A"}})
			if err != nil || len(a) != 3 {
				t.Fatalf("jobs of A: %d %v", len(a), err)
			}
			b, err := e.Jobs(ctx, ListFilter{Applicants: []string{"B", "C"}, Kinds: []string{KindExposure}})
			if err != nil || len(b) != 1 || b[0].Schedule != "exposure:x" || b[0].Applicant != "B" {
				t.Fatalf("exposure jobs of B, C: %+v %v", b, err)
			}
			// Cancelling a queued job frees its entity, but the AD audit
			// launched by a person still counts among the three.
			if _, err := e.Cancel(ctx, a[len(a)-1].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.EnqueueExposureLimited(ctx, exp(0, "A"), lim); !errors.As(err, &qe) || qe.Subject != "" || qe.Limit != 3 {
				t.Errorf("after one cancellation (two exposure and one AD audits waiting): %v", err)
			}
			ads, err := e.Jobs(ctx, ListFilter{Kinds: []string{KindAD}})
			if err != nil || len(ads) != 1 {
				t.Fatalf("AD jobs: %+v %v", ads, err)
			}
			if _, err := e.Cancel(ctx, ads[0].ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.EnqueueExposureLimited(ctx, exp(0, "A"), lim); err != nil {
				t.Errorf("after two cancellations: %v", err)
			}
			if _, err := e.Cancel(ctx, 999999); !errors.Is(err, ErrNotFound) {
				t.Errorf("cancel of an unknown job: %v", err)
			}
		})
	}
}

// TestCancelRunningJob: a running audit cancelled by another engine (as
// the web server does for a worker) stops, stores nothing and is not retried.
func TestCancelRunningJob(t *testing.T) {
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
			var calls atomic.Int32
			engines := Engines{ParsePorts: portscan.ParseSet,
				Exposure: func(ctx context.Context, p *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
					calls.Add(1)
					progress(1, 10, 0)
					<-ctx.Done() // a scan that never ends on its own
					return nil, ctx.Err()
				},
				AD: func(context.Context, store.ADConnection, func(string, int)) (*ad.Report, error) {
					return nil, errors.New("non")
				},
			}
			w, err := Open(ctx, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: engines, ID: "w", PollInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if err := w.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer w.Stop(ctx)
			web, err := Open(ctx, Config{Store: st})
			if err != nil {
				t.Fatal(err)
			}
			defer web.Close()
			id, err := web.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: "443", By: "rssi"})
			if err != nil {
				t.Fatal(err)
			}
			waitJob(t, web, id, 30*time.Second, func(j Job) bool { return j.State == "running" && j.Progress != nil })
			j, err := web.Cancel(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !j.Finished() && j.StateFr() != "annulation demandée" {
				t.Errorf("just cancelled: %s (%s)", j.StateFr(), j.State)
			}
			j = waitJob(t, web, id, 30*time.Second, Job.Finished)
			if j.State != "cancelled" || j.AuditID != "" || calls.Load() != 1 {
				t.Fatalf("cancelled running job: %+v, %d scans", j, calls.Load())
			}
			if f, _ := st.LoadFacts(ctx, string(ej)); len(f.ExposureAudits) != 0 {
				t.Errorf("a cancelled scan stored an audit")
			}
		})
	}
}
