package store

import (
	"context"
	"reflect"
	"testing"

	"vigie/internal/care"
)

// TestRecordOSISMeasures checks, on every engine, that a web oSIS record
// stores its checklist, derives the count and replaces both when corrected.
func TestRecordOSISMeasures(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			s := open(t, e.config(t))
			f := ejFacts(t)
			mustImport(t, s, f, "test")
			ej := f.Entities[0].FINESS
			get := func() care.OSIS {
				g, err := s.LoadFacts(ctx, string(ej))
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range g.OSIS {
					if o.Year == 2025 {
						return o
					}
				}
				t.Fatal("oSIS 2025 not loaded")
				return care.OSIS{}
			}
			m := map[string]string{"MP01": care.MeasureYes, "MP02": care.MeasureNo}
			if err := s.RecordOSIS(ctx, care.OSIS{Entity: ej, Year: 2025, BudgetShare: true, Measures: m}, "rssi"); err != nil {
				t.Fatal(err)
			}
			if o := get(); o.PriorityMeasuresAnswered != 2 || !reflect.DeepEqual(o.Measures, m) {
				t.Errorf("first record: %+v", o)
			}
			m2 := map[string]string{"MP03": care.MeasureNA}
			if err := s.RecordOSIS(ctx, care.OSIS{Entity: ej, Year: 2025, Measures: m2}, "rssi"); err != nil {
				t.Fatal(err)
			}
			if o := get(); o.PriorityMeasuresAnswered != 1 || !reflect.DeepEqual(o.Measures, m2) || o.BudgetShare {
				t.Errorf("corrected record: %+v", o)
			}
			if err := s.RecordOSIS(ctx, care.OSIS{Entity: ej, Year: 2025, PriorityMeasuresAnswered: 12}, "rssi"); err != nil {
				t.Fatal(err)
			}
			if o := get(); o.PriorityMeasuresAnswered != 12 || o.Measures != nil {
				t.Errorf("count only: %+v", o)
			}
		})
	}
}
