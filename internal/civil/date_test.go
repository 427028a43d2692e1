package civil

import (
	"fmt"
	"testing"
)

func TestDaysSinceAndShift(t *testing.T) {
	a := MustParse("2024-07-01")
	cases := []struct {
		b    string
		days int
	}{{"2024-08-14", 44}, {"2024-08-15", 45}, {"2024-08-30", 60}, {"2024-08-31", 61}, {"2025-07-01", 365}}
	for _, c := range cases {
		b := MustParse(c.b)
		if got := b.DaysSince(a); got != c.days {
			t.Errorf("%s - %s = %d, want %d", c.b, a, got, c.days)
		}
		if a.AddDays(c.days) != b {
			t.Errorf("%s + %d = %s, want %s", a, c.days, a.AddDays(c.days), b)
		}
	}
	if got := MustParse("2024-02-29").AddMonths(12).String(); got != "2025-03-01" {
		t.Errorf("leap AddMonths = %s", got)
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"2024-13-01", "01/07/2024", "2024-7-1", "", "2024-02-30"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

func TestCompare(t *testing.T) {
	a, b := MustParse("2024-01-31"), MustParse("2024-02-01")
	if !a.Before(b) || !b.After(a) || a.Compare(a) != 0 {
		t.Fatal("order broken")
	}
}

func TestParseInput(t *testing.T) {
	for in, want := range map[string]string{
		"2025-06-30": "2025-06-30", "30/06/2025": "2025-06-30", " 1/7/2025 ": "2025-07-01", "29/02/2024": "2024-02-29",
	} {
		d, err := ParseInput(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseInput(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "30/06/25", "31/06/2025", "29/02/2025", "2025/06/30", "30-06-2025", "06/30/2025", "30/06/02025"} {
		if _, err := ParseInput(in); err == nil {
			t.Errorf("ParseInput(%q) accepted", in)
		}
	}
}

func FuzzParseInput(f *testing.F) {
	for _, s := range []string{"2025-06-30", "30/06/2025", "1/7/2025", "31/02/2025", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseInput(s)
		if err != nil {
			return
		}
		for _, again := range []string{d.String(), d.French()} {
			if e, err := ParseInput(again); err != nil || e != d {
				t.Fatalf("%q → %s → %q → %v, %v", s, d, again, e, err)
			}
		}
	})
}

func TestFormats(t *testing.T) {
	for _, d := range []Date{{2025, 6, 30}, {1, 1, 1}, {9999, 12, 31}, {2024, 2, 29}} {
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
		if got, want := d.French(), fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year); got != want {
			t.Errorf("French = %q, want %q", got, want)
		}
	}
	if (Date{}).String() != "" || (Date{}).French() != "" {
		t.Error("zero date")
	}
}
