package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// TestWebTables runs the account, session, token and record tests on every engine.
func TestWebTables(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			if err := s.CreateWebUser(ctx, WebUser{Login: "rssi", Role: "etablissement", Scope: "010000016", PasswordHash: "h1"}, "test"); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateWebUser(ctx, WebUser{Login: "rssi", Role: "admin", PasswordHash: "h2"}, "test"); !errors.Is(err, ErrDuplicate) {
				t.Errorf("duplicate login: %v, want ErrDuplicate", err)
			}
			if err := s.CreateWebUser(ctx, WebUser{Login: "x", Role: "chef", PasswordHash: "h"}, "test"); err == nil {
				t.Error("unknown role accepted")
			}
			u, err := s.WebUser(ctx, "rssi")
			if err != nil || u.Role != "etablissement" || u.Scope != "010000016" || u.PasswordHash != "h1" {
				t.Fatalf("WebUser: %+v, %v", u, err)
			}
			if _, err := s.WebUser(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown user: %v", err)
			}

			now := time.Now()
			live := WebSession{TokenHash: "live", Login: "rssi", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			dead := WebSession{TokenHash: "dead", Login: "rssi", CSRF: "c", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
			for _, ss := range []WebSession{dead, live} {
				if err := s.CreateWebSession(ctx, ss); err != nil {
					t.Fatal(err)
				}
			}
			if ss, u, err := s.WebSessionByHash(ctx, "live", now); err != nil || ss.CSRF != "c" || u.Role != "etablissement" {
				t.Errorf("live session: %+v %+v %v", ss, u, err)
			}
			if _, _, err := s.WebSessionByHash(ctx, "dead", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("expired session: %v, want ErrNotFound", err)
			}
			if err := s.SetWebPassword(ctx, "rssi", "h3", "test"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.WebSessionByHash(ctx, "live", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("session kept after a password change: %v", err)
			}

			if err := s.CreateAPIToken(ctx, "rssi", "tok", "script", "test"); err != nil {
				t.Fatal(err)
			}
			if u, err := s.APITokenUser(ctx, "tok", now); err != nil || u.Login != "rssi" {
				t.Errorf("APITokenUser: %+v %v", u, err)
			}
			if _, err := s.APITokenUser(ctx, "other", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown token: %v", err)
			}
			testTokenLife(t, s, now)

			f := ejFacts(t)
			mustImport(t, s, f, "test")
			yes := true
			x := care.Exercise{Entity: f.Entities[0].FINESS, Date: civil.MustParse("2025-06-10"), Kit: "confirme",
				Scenario: "Rançongiciel", GeneralManagement: &yes, Clinical: &yes,
				Participants: []care.Participant{{Role: "directeur de crise", Direction: "direction générale"}},
				Actions:      []care.Action{{Title: "PCA papier", Owner: "DSI", Due: civil.MustParse("2025-09-01"), Status: care.ActionTodo}}}
			if err := s.RecordExercise(ctx, x, "rssi"); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordExercise(ctx, x, "rssi"); !errors.Is(err, ErrDuplicate) {
				t.Errorf("duplicate exercise: %v, want ErrDuplicate", err)
			}
			x.Entity = "999999999"
			if err := s.RecordExercise(ctx, x, "rssi"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown entity: %v, want ErrNotFound", err)
			}
			got, err := s.LoadFacts(ctx, string(f.Entities[0].FINESS))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range got.Exercises {
				if e.Date == x.Date && e.Kit == "confirme" && e.GeneralManagement != nil && *e.GeneralManagement &&
					reflect.DeepEqual(e.Participants, x.Participants) && reflect.DeepEqual(e.Actions, x.Actions) {
					found = true
				}
			}
			if !found {
				t.Errorf("recorded exercise not loaded: %+v", got.Exercises)
			}
			share, fte := 2.5, 1.5
			ej := f.Entities[0].FINESS
			for _, b := range []care.Budget{{Entity: ej, Year: 2025, DigitalSharePct: &share}, {Entity: ej, Year: 2025, DigitalSharePct: &share, SSIFTE: &fte}} {
				if err := s.RecordBudget(ctx, b, "rssi"); err != nil {
					t.Fatal(err)
				}
			}
			for _, o := range []care.OSIS{{Entity: ej, Year: 2025, PriorityMeasuresAnswered: 10}, {Entity: ej, Year: 2025, BudgetShare: true, PriorityMeasuresAnswered: 43}} {
				if err := s.RecordOSIS(ctx, o, "rssi"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.RecordOSIS(ctx, care.OSIS{Entity: "999999999", Year: 2025}, "rssi"); !errors.Is(err, ErrNotFound) {
				t.Errorf("oSIS of an unknown entity: %v", err)
			}
			got, err = s.LoadFacts(ctx, string(ej))
			if err != nil {
				t.Fatal(err)
			}
			var b25 *care.Budget
			for i := range got.Budget {
				if got.Budget[i].Year == 2025 {
					b25 = &got.Budget[i]
				}
			}
			if b25 == nil || b25.SSIFTE == nil || *b25.SSIFTE != 1.5 || *b25.DigitalSharePct != 2.5 {
				t.Errorf("budget 2025 after a correction: %+v", b25)
			}
			var o25 []care.OSIS
			for _, o := range got.OSIS {
				if o.Year == 2025 {
					o25 = append(o25, o)
				}
			}
			if len(o25) != 1 || !o25[0].BudgetShare || o25[0].PriorityMeasuresAnswered != 43 {
				t.Errorf("oSIS 2025 after a correction: %+v", o25)
			}
			trail, err := s.AuditTrail(ctx, 10)
			if err != nil || len(trail) == 0 || trail[0].Action != ActionOSIS || trail[0].By != "rssi" {
				t.Errorf("audit trail: %+v %v", trail, err)
			}
		})
	}
}
