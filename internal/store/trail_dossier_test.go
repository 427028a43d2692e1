package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/org"
)

// TestTrailDossierAndChanges checks, on every engine, that trail entries
// name the dossier they concern, that ChangesSince lists the dossiers a
// write touched (all of them when unknown, none for an account change),
// and that a failed login is recorded without moving the data version.
func TestTrailDossierAndChanges(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.config(t)
			cfg.Key = testKey(3)
			s := open(t, cfg)
			g, p := ghtFacts(t), ejFacts(t)
			mustImport(t, s, g, "test")
			mustImport(t, s, p, "test")
			clinic := string(p.Entities[0].FINESS)
			v0, err := s.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := s.ChangesSince(ctx, v0); err != nil || c.All || len(c.Dossiers) != 0 || c.Version != v0 {
				t.Errorf("ChangesSince(current) = %+v, %v", c, err)
			}
			// An exercise of the clinic's site concerns the clinic's dossier only.
			if err := s.RecordExercise(ctx, care.Exercise{Entity: p.Entities[1].FINESS, Date: d("2025-03-01"), Kit: "debutant"}, "rssi"); err != nil {
				t.Fatal(err)
			}
			c, err := s.ChangesSince(ctx, v0)
			if err != nil || c.All || !slices.Equal(c.Dossiers, []string{clinic}) || c.Version != v0+1 {
				t.Errorf("after an exercise: %+v, %v (want only %s)", c, err, clinic)
			}
			// An AD audit of the GHT's directory names the GHT.
			if _, err := s.SaveADAudit(WithActor(ctx, "cli"), care.ADAudit{Directory: "ARA-99-ad1", Date: d("2025-03-02"), Level: 3, Source: care.SourceVigie}, []byte("{}")); err != nil {
				t.Fatal(err)
			}
			if c, err := s.ChangesSince(ctx, v0+1); err != nil || c.All || !slices.Equal(c.Dossiers, []string{g.GHT.Code}) {
				t.Errorf("after an AD audit: %+v, %v (want only %s)", c, err, g.GHT.Code)
			}
			// An account and a failed login change no fact.
			if err := s.CreateWebUser(ctx, WebUser{Login: "x", Role: "admin", PasswordHash: "h"}, "admin"); err != nil {
				t.Fatal(err)
			}
			v1, _ := s.DataVersion(ctx)
			if err := s.TrailLoginFailure(ctx, "x", "127.0.0.1", "mot de passe incorrect"); err != nil {
				t.Fatal(err)
			}
			if v, _ := s.DataVersion(ctx); v != v1 {
				t.Errorf("a failed login moved the data version %d → %d", v1, v)
			}
			c, err = s.ChangesSince(ctx, v0+1)
			if err != nil || c.All || !slices.Equal(c.Dossiers, []string{g.GHT.Code}) {
				t.Errorf("after an account: %+v, %v (want no fact change beyond the AD audit)", c, err)
			}
			// Entities changed outside any dossier: everything may be stale.
			if _, err := s.UpsertEntities(WithActor(ctx, "finess"), []org.Entity{p.Entities[0]}); err != nil {
				t.Fatal(err)
			}
			if c, err := s.ChangesSince(ctx, v1); err != nil || !c.All {
				t.Errorf("after UpsertEntities: %+v, %v (want All)", c, err)
			}
			// Filters.
			all, err := s.TrailEntries(ctx, TrailFilter{Limit: 1000})
			if err != nil || len(all) < 5 {
				t.Fatalf("TrailEntries: %d, %v", len(all), err)
			}
			if all[0].Action != ActionEntities || all[1].Action != ActionLoginFailed || all[1].By != "x" || all[1].Object != "127.0.0.1" {
				t.Errorf("newest entries: %+v %+v", all[0], all[1])
			}
			mine, err := s.TrailEntries(ctx, TrailFilter{Dossiers: []string{clinic}})
			if err != nil || len(mine) != 2 || mine[0].Action != ActionExercise || mine[1].Action != ActionImport {
				t.Errorf("clinic's entries: %+v, %v", mine, err)
			}
			if none, err := s.TrailEntries(ctx, TrailFilter{Dossiers: []string{}}); err != nil || len(none) != 0 {
				t.Errorf("empty scope: %+v, %v", none, err)
			}
			byRSSI, err := s.TrailEntries(ctx, TrailFilter{By: "rssi", Action: ActionExercise})
			if err != nil || len(byRSSI) != 1 || byRSSI[0].Dossier != clinic {
				t.Errorf("by rssi: %+v, %v", byRSSI, err)
			}
			future, err := s.TrailEntries(ctx, TrailFilter{From: time.Now().Add(time.Hour)})
			if err != nil || len(future) != 0 {
				t.Errorf("from the future: %+v, %v", future, err)
			}
			actions, err := s.TrailActions(ctx)
			if err != nil || !slices.Contains(actions, ActionLoginFailed) || !slices.Contains(actions, ActionImport) {
				t.Errorf("TrailActions: %v, %v", actions, err)
			}
			// The security writes (perimeters, controllers, sessions,
			// tokens, schedules) name their dossier or change no fact:
			// never all the cached dossiers stale.
			v2, _ := s.DataVersion(ctx)
			if _, _, err := s.RecordExposurePerimeter(ctx, p.Entities[0].FINESS, "domain clinique.fr\n", "rssi"); err != nil {
				t.Fatal(err)
			}
			if err := s.SetDomainControllers(ctx, g.GHT.Code, "ARA-99-ad1", []string{"dc1.ght.local"}, "admin"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DeleteWebSessions(ctx, "x", "x"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateAPITokenUntil(ctx, "x", "hash", "script", "x", time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveSchedule(ctx, Schedule{ID: "plan-1", Kind: "exposure", Applicant: clinic, Subject: clinic, Perimeter: "domain clinique.fr", EveryDays: 30, Enabled: true}, "admin"); err != nil {
				t.Fatal(err)
			}
			c, err = s.ChangesSince(ctx, v2)
			if err != nil || c.All || c.Version != v2+5 {
				t.Errorf("after perimeter, controllers, sessions, token, schedule: %+v, %v (want no dossier-wide staleness)", c, err)
			}
			for _, want := range []struct{ action, dossier string }{{ActionPerimeter, clinic}, {ActionControllers, g.GHT.Code}, {ActionSchedule, clinic}} {
				es, err := s.TrailEntries(ctx, TrailFilter{Action: want.action})
				if err != nil || len(es) == 0 || es[0].Dossier != want.dossier {
					t.Errorf("%s entry: %+v, %v (want dossier %s)", want.action, es, err, want.dossier)
				}
			}
		})
	}
}

// TestAccountAdministration checks disabling (sessions closed, tokens
// revoked), re-enabling, and listing and revoking API tokens, on both
// engines, and the trail entries they leave.
func TestAccountAdministration(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			if err := s.CreateWebUser(ctx, WebUser{Login: "rssi", Role: "admin", PasswordHash: "h"}, "admin"); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if err := s.CreateWebSession(ctx, WebSession{TokenHash: "s1", Login: "rssi", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			for _, l := range []string{"script A", "script B"} {
				if err := s.CreateAPIToken(ctx, "rssi", "hash "+l, l, "rssi"); err != nil {
					t.Fatal(err)
				}
			}
			toks, err := s.APITokens(ctx, "rssi")
			if err != nil || len(toks) != 2 || toks[0].Label != "script B" || toks[0].CreatedAt.IsZero() {
				t.Fatalf("APITokens: %+v, %v", toks, err)
			}
			if err := s.RevokeAPIToken(ctx, toks[0].ID, "autre", "autre"); !errors.Is(err, ErrNotFound) {
				t.Errorf("revoking another account's token: %v, want ErrNotFound", err)
			}
			if err := s.RevokeAPIToken(ctx, toks[0].ID, "rssi", "rssi"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.APITokenUser(ctx, "hash script B", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("revoked token still works: %v", err)
			}
			if err := s.SetWebUserDisabled(ctx, "rssi", true, "admin"); err != nil {
				t.Fatal(err)
			}
			u, err := s.WebUser(ctx, "rssi")
			if err != nil || !u.Disabled() {
				t.Errorf("disabled account: %+v, %v", u, err)
			}
			if _, _, err := s.WebSessionByHash(ctx, "s1", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("session of a disabled account: %v", err)
			}
			if _, err := s.APITokenUser(ctx, "hash script A", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("token of a disabled account: %v", err)
			}
			if err := s.SetWebUserDisabled(ctx, "rssi", false, "admin"); err != nil {
				t.Fatal(err)
			}
			us, err := s.WebUsers(ctx)
			if err != nil || len(us) != 1 || us[0].Disabled() {
				t.Errorf("re-enabled: %+v, %v", us, err)
			}
			if err := s.SetWebUserDisabled(ctx, "personne", true, "admin"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown account: %v", err)
			}
			tr, err := s.TrailEntries(ctx, TrailFilter{Action: ActionUserDisable})
			if err != nil || len(tr) != 1 || tr[0].Object != "rssi" || tr[0].By != "admin" {
				t.Errorf("trail: %+v, %v", tr, err)
			}
		})
	}
}
