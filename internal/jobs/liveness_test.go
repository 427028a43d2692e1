package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestLongJobOfLiveWorkerNotRescued runs one audit for three times the
// rescue delay: because its worker shows signs of life, the job keeps its
// first attempt and its worker. Without the beats the rescue would take the
// job from its live worker and run it again (attempt 2, checked by hand).
func TestLongJobOfLiveWorkerNotRescued(t *testing.T) {
	if testing.Short() {
		t.Skip("12 s d'audit : pas en mode -short")
	}
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
			const runFor = 3 * minRescueAfter
			eng := Engines{
				ParsePorts: portscan.ParseSet,
				Exposure: func(ctx context.Context, p *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
					select {
					case <-time.After(runFor):
					case <-ctx.Done():
						return nil, ctx.Err()
					}
					now := time.Now()
					return &exposure.Audit{StartedAt: now.Add(-runFor), FinishedAt: now, Complete: true, Perimeter: p.Model(),
						Hosts: []exposure.Host{}, Findings: []exposure.Finding{}}, nil
				},
				AD: func(context.Context, store.ADConnection, func(string, int)) (*ad.Report, error) { return nil, nil },
			}
			e := startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: eng, ID: "vivant",
				PollInterval: 100 * time.Millisecond, JobTimeout: time.Minute, RescueAfter: minRescueAfter})
			id, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: "443", By: "test"})
			if err != nil {
				t.Fatal(err)
			}
			j := waitJob(t, e, id, runFor+30*time.Second, Job.Finished)
			if j.State != "completed" || j.Attempt != 1 || len(j.AttemptedBy) != 1 || len(j.Errors) != 0 {
				t.Fatalf("audit long d'un exécutant vivant : état %s, tentative %d, exécutants %v, erreurs %v", j.State, j.Attempt, j.AttemptedBy, j.Errors)
			}
		})
	}
}

// TestRescuedErrorInFrench: the job page says in French why a job was
// taken from its worker.
func TestRescuedErrorInFrench(t *testing.T) {
	j := jobOf(&rivertype.JobRow{ID: 1, Kind: KindExposure, State: rivertype.JobStateRetryable, Attempt: 1,
		Errors: []rivertype.AttemptError{{Attempt: 1, At: time.Now(), Error: rescuedByRiver}}})
	if len(j.Errors) != 1 || j.Errors[0].Message != rescuedFr {
		t.Fatalf("erreurs %+v", j.Errors)
	}
}
