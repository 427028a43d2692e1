package store

import (
	"context"
	"errors"
	"testing"
)

// TestPerimetersAndControllers runs on every engine: perimeter versions
// and their approval, declared domain controllers, job quotas.
func TestPerimetersAndControllers(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Run("perimeters", func(t *testing.T) { testPerimeters(t, e.config) })
			t.Run("controllers", func(t *testing.T) { testControllers(t, e.config) })
		})
	}
}

func testPerimeters(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	f := ghtFacts(t)
	mustImport(t, s, f, "test")
	ej := f.Entities[1].FINESS
	if _, err := s.ApprovedExposurePerimeter(ctx, ej); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("no perimeter: %v", err)
	}
	v1, changed, err := s.RecordExposurePerimeter(ctx, ej, "domain chu.fr\nnet 193.51.24.0/28\n", "rssi")
	if err != nil || !changed || v1.Version != 1 || v1.Approved() {
		t.Fatalf("record v1: %+v %v %v", v1, changed, err)
	}
	if _, err := s.ApprovedExposurePerimeter(ctx, ej); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("pending v1 usable: %v", err)
	}
	if err := s.ApproveExposurePerimeter(ctx, ej, 1, "rssi"); !errors.Is(err, ErrSelfApproval) {
		t.Fatalf("self-approval: %v", err)
	}
	if err := s.ApproveExposurePerimeter(ctx, ej, 1, "referent"); err != nil {
		t.Fatal(err)
	}
	got, err := s.ApprovedExposurePerimeter(ctx, ej)
	if err != nil || got.Version != 1 || got.ApprovedBy != "referent" || got.RecordedBy != "rssi" || got.ApprovedAt.IsZero() {
		t.Fatalf("approved v1: %+v %v", got, err)
	}
	if _, changed, _ := s.RecordExposurePerimeter(ctx, ej, v1.Text, "rssi"); changed {
		t.Error("the same text made a new version")
	}
	// A change needs a new approval: the approved v1 is no longer usable.
	if _, changed, err := s.RecordExposurePerimeter(ctx, ej, "domain chu.fr\n", "rssi"); err != nil || !changed {
		t.Fatal(err)
	}
	if _, err := s.ApprovedExposurePerimeter(ctx, ej); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("changed perimeter still approved: %v", err)
	}
	if err := s.ApproveExposurePerimeter(ctx, ej, 1, "ars"); !errors.Is(err, ErrStaleVersion) {
		t.Fatalf("approving the replaced version: %v", err)
	}
	if err := s.ApproveExposurePerimeter(ctx, ej, 2, "ars"); err != nil {
		t.Fatal(err)
	}
	hist, err := s.ExposurePerimeterHistory(ctx, ej)
	if err != nil || len(hist) != 2 || hist[0].Version != 2 || hist[0].ApprovedBy != "ars" || hist[1].ApprovedBy != "referent" {
		t.Fatalf("history: %+v %v", hist, err)
	}
	trail, err := s.AuditTrail(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range trail {
		if e.Action == ActionPerimeter && e.Object == string(ej) {
			n++
		}
	}
	if n != 4 {
		t.Errorf("trail: %d perimeter entries, want 4 (2 recorded, 2 approved)", n)
	}
}

func testControllers(t *testing.T, newConfig func(testing.TB) Config) {
	ctx := context.Background()
	s := open(t, newConfig(t))
	mustImport(t, s, ghtFacts(t), "test")
	mustImport(t, s, ejFacts(t), "test")
	if err := s.SetDomainControllers(ctx, "ARA-99", "ARA-99-ad1", []string{"dc2.ght.local", "dc1.ght.local", "dc1.ght.local"}, "admin"); err != nil {
		t.Fatal(err)
	}
	dcs, err := s.DomainControllers(ctx, "ARA-99-ad1")
	if err != nil || len(dcs) != 2 || dcs[0].Host != "dc1.ght.local" || dcs[0].DeclaredBy != "admin" {
		t.Fatalf("controllers: %+v %v", dcs, err)
	}
	if err := s.SetDomainControllers(ctx, "ARA-99", "CLIN-ad", []string{"dc.clinique.lan"}, "admin"); !errors.Is(err, ErrOtherApplicant) {
		t.Fatalf("another dossier's directory: %v", err)
	}
	if err := s.SetDomainControllers(ctx, "ARA-99", "ARA-99-ad1", nil, "admin"); err != nil {
		t.Fatal(err)
	}
	if dcs, _ := s.DomainControllers(ctx, "ARA-99-ad1"); len(dcs) != 0 {
		t.Fatalf("withdrawn controllers still listed: %+v", dcs)
	}
}
