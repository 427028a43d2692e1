package french

import (
	"testing"
	"time"
)

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n         int
		one, many string
		want      string
	}{
		{0, "audit", "audits", "0 audit"},
		{1, "audit", "audits", "1 audit"},
		{2, "audit", "audits", "2 audits"},
		{-1, "jour", "jours", "-1 jour"},
		{-2, "jour", "jours", "-2 jours"},
		{3, "port ouvert", "ports ouverts", "3 ports ouverts"},
		{1, "vulnérabilité critique", "vulnérabilités critiques", "1 vulnérabilité critique"},
		{2152, "dossier", "dossiers", "2\u202f152 dossiers"},
		{2, "EJ", "EJ", "2 EJ"},
	} {
		if got := Plural(c.n, c.one, c.many); got != c.want {
			t.Errorf("Plural(%d, %q, %q) = %q, want %q", c.n, c.one, c.many, got, c.want)
		}
	}
}

func TestAgree(t *testing.T) {
	for n, want := range map[int]string{-3: "jours", -1: "jour", 0: "jour", 1: "jour", 2: "jours", 60: "jours"} {
		if got := Agree(n, "jour", "jours"); got != want {
			t.Errorf("Agree(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestInt(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 7: "7", -7: "-7", 999: "999", -999: "-999", 1000: "1\u202f000", 12345: "12\u202f345",
		123456: "123\u202f456", -1234567: "-1\u202f234\u202f567", 1000000000: "1\u202f000\u202f000\u202f000",
	} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		f      float64
		digits int
		want   string
	}{
		{2.5, 2, "2,5"},
		{0.75, 2, "0,75"},
		{3, 2, "3"},
		{3.004, 2, "3"},
		{1234.5, 1, "1\u202f234,5"},
		{-0.5, 1, "-0,5"},
		{-0.04, 1, "0"},
		{-1234.25, 2, "-1\u202f234,25"},
		{1.5, 0, "2"},
		{0.1 + 0.2, 2, "0,3"},
	} {
		if got := Decimal(c.f, c.digits); got != c.want {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.f, c.digits, got, c.want)
		}
	}
}

func TestFixed(t *testing.T) {
	for _, c := range []struct {
		f      float64
		digits int
		want   string
	}{
		{9, 1, "9,0"},
		{9.84, 1, "9,8"},
		{1234.56, 1, "1\u202f234,6"},
		{-0.04, 1, "0,0"},
		{-0.5, 1, "-0,5"},
		{-1234.5, 2, "-1\u202f234,50"},
		{2.5, 0, "2"},
		{12345, 0, "12\u202f345"},
	} {
		if got := Fixed(c.f, c.digits); got != c.want {
			t.Errorf("Fixed(%v, %d) = %q, want %q", c.f, c.digits, got, c.want)
		}
	}
}

func TestList(t *testing.T) {
	for _, c := range []struct {
		items   []string
		and, or string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a et b", "a ou b"},
		{[]string{"a", "b", "c"}, "a, b et c", "a, b ou c"},
		{[]string{"PS2.1", "PS2.2", "PS2.3", "PS2.4"}, "PS2.1, PS2.2, PS2.3 et PS2.4", "PS2.1, PS2.2, PS2.3 ou PS2.4"},
	} {
		if got := List(c.items); got != c.and {
			t.Errorf("List(%q) = %q, want %q", c.items, got, c.and)
		}
		if got := ListOr(c.items); got != c.or {
			t.Errorf("ListOr(%q) = %q, want %q", c.items, got, c.or)
		}
	}
}

func TestDateTime(t *testing.T) {
	paris := time.FixedZone("CEST", 2*3600)
	at := time.Date(2026, 3, 2, 12, 17, 59, 0, time.UTC)
	if got := DateTime(at.In(paris)); got != "02/03/2026 à 14:17" {
		t.Errorf("DateTime = %q", got)
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                     "0,0 s",
		420 * time.Millisecond:                "0,4 s",
		42*time.Second + 340*time.Millisecond: "42,3 s",
		59*time.Second + 960*time.Millisecond: "1 min 00 s",
		3*time.Minute + 7*time.Second:         "3 min 07 s",
		59*time.Minute + 59*time.Second + 600*time.Millisecond: "1 h 00 min",
		2*time.Hour + 5*time.Minute + 20*time.Second:           "2 h 05 min",
		-1500 * time.Millisecond:                               "-1,5 s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"niveau 1 le 2025-03-01":          "niveau 1 le 01/03/2025",
		"2025-06-15":                      "15/06/2025",
		"écart 2023-09-04 → 2024-01-08.":  "écart 04/09/2023 → 08/01/2024.",
		"FINESS 010000016 du 2025-06-15":  "FINESS 010000016 du 15/06/2025",
		"ref x2025-06-15 et 12025-06-150": "ref x2025-06-15 et 12025-06-150",
		"silene-2025-06":                  "silene-2025-06",
		"2025-6-15 ou 2025-06-1":          "2025-6-15 ou 2025-06-1",
		"":                                "",
	} {
		if got := Dates(in); got != want {
			t.Errorf("Dates(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgreeCounts(t *testing.T) {
	for in, want := range map[string]string{
		"1 audit(s) d'une autre source":                              "1 audit d'une autre source",
		"l'audit relève 3 vulnérabilité(s) critique(s), 0 action(s)": "l'audit relève 3 vulnérabilités critiques, 0 action",
		"3 jeton(s) révoqué(s)":                                      "3 jetons révoqués",
		"sessions fermées, 1 jeton(s) révoqué(s)":                    "sessions fermées, 1 jeton révoqué",
		"adresse http(s) attendue":                                   "adresse http(s) attendue",
		"rien à corriger":                                            "rien à corriger",
	} {
		if got := AgreeCounts(in); got != want {
			t.Errorf("AgreeCounts(%q) = %q, want %q", in, got, want)
		}
	}
}
