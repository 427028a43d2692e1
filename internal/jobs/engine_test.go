package jobs

import (
	"context"
	"errors"
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

// fakeExposure returns a complete audit of the perimeter with one high
// finding, counting its calls; fail makes it fail instead.
type fakeExposure struct {
	calls atomic.Int32
	fail  atomic.Bool
	seen  sync.Map // perimeter text → true
}

func (f *fakeExposure) engines() Engines {
	return Engines{
		ParsePorts: portscan.ParseSet,
		Exposure: func(ctx context.Context, p *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
			f.calls.Add(1)
			progress(1, 2, 0)
			if f.fail.Load() {
				return nil, errors.New("réseau injoignable")
			}
			progress(2, 2, 1)
			now := time.Now()
			return &exposure.Audit{StartedAt: now, FinishedAt: now, Complete: true, Perimeter: p.Model(),
				Hosts: []exposure.Host{}, Findings: []exposure.Finding{}, Summary: exposure.Summary{High: 1}}, nil
		},
		AD: func(ctx context.Context, c store.ADConnection, progress func(string, int)) (*ad.Report, error) {
			return nil, errors.New("pas d'annuaire dans ce test")
		},
	}
}

func TestExposureJobStoredOnce(t *testing.T) {
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, ej := openTestStore(t, db.dsn(t), testKey())
			ref, err := st.SavePerimeterSnapshot(ctx, "entity "+string(ej)+"\nnet 192.0.2.0/30\n", "test")
			if err != nil {
				t.Fatal(err)
			}
			fake := &fakeExposure{}
			var failures atomic.Int32
			e := startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 2}, Engines: fake.engines(),
				ID: "essai", PollInterval: 50 * time.Millisecond,
				OnFailure: func(ctx context.Context, j Job) { failures.Add(1) }})
			id, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: "22,443", By: "rssi"})
			if err != nil {
				t.Fatal(err)
			}
			j := waitJob(t, e, id, 30*time.Second, Job.Finished)
			if j.State != "completed" || j.Attempt != 1 || j.AuditID != ExposureAuditID(j.Run) || !j.Complete {
				t.Fatalf("tâche %+v", j)
			}
			if j.Progress == nil || j.Progress.Pct != 100 || j.Progress.Worker != "essai" {
				t.Fatalf("avancement %+v", j.Progress)
			}
			if len(j.Entities) != 1 || j.Entities[0] != string(ej) || j.Perimeter != ref || j.By != "rssi" {
				t.Fatalf("arguments %+v", j)
			}
			f, err := st.LoadFacts(ctx, string(ej))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.ExposureAudits) != 1 || f.ExposureAudits[0].ID != j.AuditID || !f.ExposureAudits[0].CompletePerimeter ||
				f.ExposureAudits[0].Counts.High != 1 || f.ExposureAudits[0].Source != "vigie" {
				t.Fatalf("audits enregistrés %+v", f.ExposureAudits)
			}
			// A second job of the same run (its first worker died after saving)
			// ends without scanning nor storing again.
			id2, err := e.insert(ctx, ExposureArgs{Run: j.Run, Entities: j.Entities, Perimeter: ref, Ports: "22", By: "rssi"})
			if err != nil {
				t.Fatal(err)
			}
			j2 := waitJob(t, e, id2, 30*time.Second, Job.Finished)
			if j2.State != "completed" || j2.AuditID != j.AuditID || fake.calls.Load() != 1 {
				t.Fatalf("reprise : %+v, %d scans", j2, fake.calls.Load())
			}
			if j2.Progress == nil || !strings.Contains(j2.Progress.Detail, "déjà enregistré") {
				t.Fatalf("reprise : avancement %+v", j2.Progress)
			}
			if f, _ := st.LoadFacts(ctx, string(ej)); len(f.ExposureAudits) != 1 {
				t.Fatalf("%d audits enregistrés, attendu 1", len(f.ExposureAudits))
			}
			// A failing scan stores nothing: the job is retryable with its error.
			fake.fail.Store(true)
			id3, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: "22", By: "rssi"})
			if err != nil {
				t.Fatal(err)
			}
			j3 := waitJob(t, e, id3, 30*time.Second, func(j Job) bool { return len(j.Errors) > 0 })
			if j3.Finished() || !strings.Contains(j3.Errors[0].Message, "réseau injoignable") || (j3.State != "running" && j3.StateFr() != "en échec, nouvelle tentative prévue") {
				t.Fatalf("échec : %+v", j3)
			}
			if failures.Load() == 0 {
				t.Fatal("OnFailure non appelé")
			}
			if f, _ := st.LoadFacts(ctx, string(ej)); len(f.ExposureAudits) != 1 {
				t.Fatalf("un scan en échec a enregistré un audit : %d audits", len(f.ExposureAudits))
			}
			list, err := e.Jobs(ctx, ListFilter{})
			if err != nil || len(list) != 3 || list[0].ID != id3 {
				t.Fatalf("liste : %v %+v", err, list)
			}
		})
	}
}

func TestExposureJobRefusesUnknownPerimeter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	fake := &fakeExposure{}
	e := startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: fake.engines(), PollInterval: 50 * time.Millisecond})
	id, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: "inconnu", By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJob(t, e, id, 30*time.Second, Job.Finished)
	if j.State != "cancelled" || len(j.Errors) == 0 || fake.calls.Load() != 0 {
		t.Fatalf("périmètre inconnu : %+v", j)
	}
}
