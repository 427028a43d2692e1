package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// TestADConnections runs the sealed directory connection tests on every engine.
func TestADConnections(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.config(t)
			cfg.Key = testKey(7)
			s := open(t, cfg)
			app := mustImport(t, s, ghtFacts(t), "test").Applicant

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
