package schedule

import (
	"testing"

	"vigie/internal/civil"
)

func d(s string) civil.Date { return civil.MustParse(s) }

// checkPair asserts the plan ends, before the deadline, with two audits
// MinGap–MaxGap apart and keeps every gap within the cadence.
func checkPair(t *testing.T, in Input, pl Plan) (p, f civil.Date) {
	t.Helper()
	if pl.Warning != "" {
		t.Fatalf("avertissement inattendu : %s", pl.Warning)
	}
	var before []civil.Date
	for _, p := range in.Past {
		before = append(before, p.Date)
	}
	for i, s := range pl.Slots {
		if s.Date.Before(in.Today) {
			t.Fatalf("créneau %d (%s) avant aujourd'hui (%s)", i, s.Date, in.Today)
		}
		if i > 0 && !s.Date.After(pl.Slots[i-1].Date) {
			t.Fatalf("créneaux non croissants : %v", pl.Slots)
		}
		if s.Why == "" {
			t.Fatalf("créneau %s sans explication", s.Date)
		}
		if !s.Date.After(in.Deadline) {
			before = append(before, s.Date)
		}
	}
	n := len(before)
	if n < 2 {
		t.Fatalf("moins de deux audits avant l'échéance : %v", before)
	}
	p, f = before[n-2], before[n-1]
	if g := f.DaysSince(p); g < in.MinGap || g > in.MaxGap {
		t.Fatalf("les deux derniers audits avant l'échéance (%s, %s) sont espacés de %d jours", p, f, g)
	}
	if f.After(in.Deadline) {
		t.Fatalf("dernier audit %s après l'échéance %s", f, in.Deadline)
	}
	for i := 1; i < n; i++ {
		if g := before[i].DaysSince(before[i-1]); g > 60 {
			t.Fatalf("écart de %d jours entre %s et %s", g, before[i-1], before[i])
		}
	}
	return p, f
}

func TestPlanExposurePairBeforeDeadline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		today string
		past  []Past
		every int
	}{
		{"sans audit, loin de l'échéance", "2025-01-01", nil, 30},
		{"dernier audit propre récent", "2025-01-10", []Past{{d("2025-01-05"), true}}, 30},
		{"cadence 20 jours", "2024-11-01", []Past{{d("2024-10-20"), false}}, 20},
		{"dernier audit propre, échéance proche : paire avec lui", "2025-05-20", []Past{{d("2025-04-25"), true}}, 30},
		{"dernier audit avec critique, échéance à 55 jours", "2025-05-06", []Past{{d("2025-05-01"), false}}, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Kind: Exposure, Every: tc.every, Past: tc.past, Today: d(tc.today), Until: d("2025-12-31"),
				Deadline: d("2025-06-30"), MinGap: 45, MaxGap: 60}
			pl := Make(in)
			checkPair(t, in, pl)
			if len(pl.Slots) == 0 || pl.Slots[len(pl.Slots)-1].Date.Before(d("2025-07-01")) {
				t.Errorf("la surveillance doit continuer après l'échéance : %v", pl.Slots)
			}
		})
	}
}

func TestPlanAnchoredOnCleanAudit(t *testing.T) {
	in := Input{Kind: Exposure, Every: 30, Past: []Past{{d("2025-04-25"), true}}, Today: d("2025-05-20"),
		Deadline: d("2025-06-30"), MinGap: 45, MaxGap: 60}
	p, f := checkPair(t, in, Make(in))
	if p != d("2025-04-25") || f.After(d("2025-06-23")) {
		t.Fatalf("paire %s–%s, attendu l'audit du 2025-04-25 et un second au plus tard le 2025-06-23", p, f)
	}
}

func TestPlanTooLate(t *testing.T) {
	in := Input{Kind: Exposure, Every: 30, Today: d("2025-06-01"), Deadline: d("2025-06-30"), MinGap: 45, MaxGap: 60}
	pl := Make(in)
	if pl.Warning == "" {
		t.Fatalf("échéance à 29 jours sans audit : avertissement attendu, plan %v", pl.Slots)
	}
	if pl.Next() != d("2025-06-01") {
		t.Fatalf("prochain audit %s, attendu aujourd'hui", pl.Next())
	}
}

func TestPlanRegularAD(t *testing.T) {
	in := Input{Kind: AD, Past: []Past{{d("2025-01-01"), true}}, Today: d("2025-01-10"), Until: d("2025-06-30")}
	pl := Make(in)
	want := []string{"2025-02-25", "2025-04-21", "2025-06-15"}
	if len(pl.Slots) != len(want) {
		t.Fatalf("plan %v, attendu %v", pl.Slots, want)
	}
	for i, w := range want {
		if pl.Slots[i].Date != d(w) {
			t.Fatalf("créneau %d : %s, attendu %s", i, pl.Slots[i].Date, w)
		}
	}
	// A run launched (even failed) moves the cadence on.
	in.LastRun = d("2025-02-25")
	in.Today = d("2025-02-26")
	if n := Make(in).Next(); n != d("2025-04-21") {
		t.Fatalf("après un lancement le 2025-02-25, prochain %s, attendu 2025-04-21", n)
	}
	// Overdue: due today.
	in.LastRun, in.Today = civil.Date{}, d("2025-03-30")
	if n := Make(in).Next(); n != d("2025-03-30") {
		t.Fatalf("audit en retard : prochain %s, attendu aujourd'hui", n)
	}
}

func TestOfficialReminder(t *testing.T) {
	r := OfficialReminder("ADS", d("2025-03-01"), 60, 14, d("2025-06-30"))
	if r.Due != d("2025-04-30") || r.From != d("2025-04-16") {
		t.Fatalf("rappel %+v", r)
	}
	if want := "Prochain audit ADS à déposer au plus tard le 30/04/2025 (au plus 60 jours après celui du 01/03/2025)."; r.Message != want {
		t.Fatalf("message %q, attendu %q", r.Message, want)
	}
	r = OfficialReminder("SILENE", civil.Date{}, 60, 14, d("2025-06-30"))
	if r.Due != d("2025-06-30") {
		t.Fatalf("sans audit : échéance %s", r.Due)
	}
}
