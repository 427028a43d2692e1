package store

import (
	"context"
	"errors"
	"testing"

	"vigie/internal/care"
)

// TestRecordDossierStep checks, on every engine, that a step and its
// payment are stored together through the audit trail, and that recording
// the same step twice is refused without changing the data version.
func TestRecordDossierStep(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := WithActor(context.Background(), "test")
			s := open(t, e.config(t))
			f := ghtFacts(t)
			id := f.GHT.Code
			if _, err := s.ImportFacts(ctx, f, "test"); err != nil {
				t.Fatal(err)
			}
			before := version(t, s)
			st := care.Step{Step: "paid", Date: d("2026-03-02"), By: "admin (administrateur)"}
			pay := &care.Payment{Date: st.Date, AmountEUR: 12500.5, By: st.By}
			if err := s.RecordDossierStep(ctx, id, st, pay, "admin"); err != nil {
				t.Fatal(err)
			}
			after := version(t, s)
			if after <= before {
				t.Errorf("version %d after %d, want it incremented", after, before)
			}
			got, err := s.LoadFacts(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range got.Dossier.Steps {
				found = found || (x.Step == "paid" && x.Date == st.Date && x.By == st.By)
			}
			if !found || len(got.Dossier.Payments) != len(f.Dossier.Payments)+1 {
				t.Errorf("step or payment not stored: %+v", got.Dossier)
			}
			if err := s.RecordDossierStep(ctx, id, st, nil, "admin"); !errors.Is(err, ErrStepRecorded) {
				t.Errorf("second record: %v, want ErrStepRecorded", err)
			}
			if v := version(t, s); v != after {
				t.Errorf("refused write moved the version %d → %d", after, v)
			}
			if err := s.RecordDossierStep(ctx, "inconnu", st, nil, "admin"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown dossier: %v, want ErrNotFound", err)
			}
		})
	}
}
