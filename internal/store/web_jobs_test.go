package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// TestWebJobsAndConnections runs the job, connection and governance tests on every engine.
func TestWebJobsAndConnections(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.config(t)
			cfg.Key = testKey(7)
			s := open(t, cfg)
			app := mustImport(t, s, ghtFacts(t), "test").Applicant

			now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
			id, err := s.CreateWebJob(ctx, WebJob{Kind: JobExposure, Applicant: app, Target: "127.0.0.2", CreatedBy: "rssi", CreatedAt: now})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateWebJob(ctx, WebJob{Kind: JobExposure, Applicant: "inconnu", CreatedBy: "rssi", CreatedAt: now}); !errors.Is(err, ErrNotFound) {
				t.Errorf("job of an unknown applicant: %v", err)
			}
			if err := s.UpdateWebJobProgress(ctx, id, 40, "scan"); err != nil {
				t.Fatal(err)
			}
			j, err := s.WebJobByID(ctx, id)
			if err != nil || j.State != JobRunning || j.Progress != 40 || j.CreatedBy != "rssi" || !j.CreatedAt.Equal(now) {
				t.Fatalf("running job: %+v %v", j, err)
			}
			if err := s.FinishWebJob(ctx, id, now.Add(time.Minute), "ex-1", ""); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateWebJobProgress(ctx, id, 50, "trop tard"); err != nil {
				t.Fatal(err)
			}
			if j, _ := s.WebJobByID(ctx, id); j.State != JobDone || j.Progress != 100 || j.AuditID != "ex-1" {
				t.Errorf("finished job: %+v", j)
			}
			id2, _ := s.CreateWebJob(ctx, WebJob{Kind: JobAD, Applicant: app, Target: "ad-x", CreatedBy: "rssi", CreatedAt: now})
			if n, err := s.FailUnfinishedWebJobs(ctx, now, "arrêt"); err != nil || n != 1 {
				t.Errorf("FailUnfinishedWebJobs: %d, %v", n, err)
			}
			if js, err := s.WebJobs(ctx, app, 10); err != nil || len(js) != 2 || js[0].ID != id2 || js[0].State != JobFailed || js[0].Error != "arrêt" {
				t.Errorf("WebJobs: %+v %v", js, err)
			}
			if _, err := s.WebJobByID(ctx, 9999); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown job: %v", err)
			}

			const secret = "Mot-de-passe-TRES-secret-42"
			c := ADConnection{Host: "dc1.chu.local", Port: 636, TLS: "ldaps", User: "svc-vigie@chu.local", Password: secret, CAPEM: "-----BEGIN CERTIFICATE-----"}
			if err := s.SaveADConnection(ctx, app, "ad-chu", c, "rssi"); err != nil {
				t.Fatal(err)
			}
			var raw []byte
			if err := s.r.QueryRowContext(ctx, `SELECT sealed FROM web_ad_credentials WHERE directory = 'ad-chu'`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			for _, plain := range []string{secret, "svc-vigie", "dc1.chu.local", "BEGIN CERTIFICATE"} {
				if bytes.Contains(raw, []byte(plain)) {
					t.Errorf("stored row holds %q in clear", plain)
				}
			}
			got, err := s.ADConnectionOf(ctx, app, "ad-chu")
			if err != nil || got != c {
				t.Errorf("ADConnectionOf: %+v %v", got, err)
			}
			if infos, err := s.ADConnections(ctx, app); err != nil || len(infos) != 1 || infos[0].SavedBy != "rssi" {
				t.Errorf("ADConnections: %+v %v", infos, err)
			}
			if _, err := s.ADConnectionOf(ctx, app, "autre"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown directory: %v", err)
			}
			// The sealed blob is bound to its row: moved to another directory, it does not open.
			if _, err := s.w.ExecContext(ctx, `UPDATE web_ad_credentials SET directory = 'autre' WHERE directory = 'ad-chu'`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ADConnectionOf(ctx, app, "autre"); !errors.Is(err, ErrWrongKey) {
				t.Errorf("swapped blob: %v, want ErrWrongKey", err)
			}
		})
	}
}
