package web

import (
	"fmt"
	"slices"

	"vigie/internal/care"
)

// measureAnswers are the oSIS checklist answers: stored value → French label.
var measureAnswers = []struct{ Value, Label string }{
	{care.MeasureYes, "Oui"}, {care.MeasurePartial, "Partiellement"}, {care.MeasureNo, "Non"}, {care.MeasureNA, "Non applicable"},
}

// measureGroupSize is the number of checklist rows per group when the
// catalogue gives no themes.
const measureGroupSize = 10

// measureList returns the priority measures of the first catalogue wave
// that lists them (nil when none does).
func (s *Server) measureList() []care.Measure {
	for _, w := range s.cat.Waves {
		if len(w.PriorityMeasures.Items) > 0 {
			return w.PriorityMeasures.Items
		}
	}
	return nil
}

// measureField is the name of a measure's checklist row.
func measureField(id string) string { return "mesure_" + id }

// osisChecklist replaces the count field of the oSIS form by one row of
// radio buttons per measure, grouped by theme (or by ten without themes).
func osisChecklist(f *form, ms []care.Measure) {
	f.Fields = slices.DeleteFunc(f.Fields, func(x *field) bool { return x.Name == "mesures" })
	f.Note = fmt.Sprintf("L'année et la part du budget sont obligatoires. Renseignez chacune des %d mesures prioritaires : "+
		"le nombre de mesures renseignées en est déduit (une mesure sans réponse n'est pas comptée).", len(ms))
	for i, m := range ms {
		x := &field{Name: measureField(m.ID), Label: m.ID + " — " + m.Title, Kind: "measure"}
		group := func(j int) string {
			if ms[j].Theme != "" {
				return ms[j].Theme
			}
			end := min(len(ms), (j/measureGroupSize+1)*measureGroupSize)
			return fmt.Sprintf("Mesures %s à %s", ms[j/measureGroupSize*measureGroupSize].ID, ms[end-1].ID)
		}
		if i == 0 || group(i) != group(i-1) {
			x.Group = group(i)
		}
		x.GroupEnd = i == len(ms)-1 || group(i) != group(i+1)
		f.Fields = append(f.Fields, x)
	}
}

// checklist reads the answered measures; nil when none is answered. ok is
// false when an answer is refused.
func (f *form) checklist(ms []care.Measure) (map[string]string, bool) {
	out, ok := map[string]string{}, true
	for _, m := range ms {
		x := f.get(measureField(m.ID))
		switch {
		case x.Value == "":
		case slices.Contains(care.MeasureAnswers, x.Value):
			out[m.ID] = x.Value
		default:
			x.Err, ok = "réponse invalide : oui, partiellement, non ou non applicable", false
		}
	}
	if len(out) == 0 {
		return nil, ok
	}
	return out, ok
}
