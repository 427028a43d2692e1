package web

import "testing"

func TestFrenchNumbers(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{plural(0, "audit", "audits"), "0 audit"},
		{plural(1, "audit", "audits"), "1 audit"},
		{plural(2, "audit", "audits"), "2 audits"},
		{plural(2152, "dossier", "dossiers"), "2\u202f152 dossiers"},
		{intFr(-1234567), "-1\u202f234\u202f567"},
		{decimalFr(2.5, 2), "2,5"},
		{decimalFr(0.75, 2), "0,75"},
		{decimalFr(3, 2), "3"},
		{decimalFr(1234.5, 1), "1\u202f234,5"},
		{decimalFr(-0.5, 1), "-0,5"},
		{frText("niveau 1 le 2025-03-01 ; 1 audit(s) d'une autre source"), "niveau 1 le 01/03/2025 ; 1 audit d'une autre source"},
		{frText("l'audit relève 3 vulnérabilité(s) critique(s), 0 action(s)"), "l'audit relève 3 vulnérabilités critiques, 0 action"},
		{frText("FINESS 010000016 du 2025-06-15"), "FINESS 010000016 du 15/06/2025"},
		{frText("2025-06-15"), "15/06/2025"},
		{frText("écart 2023-09-04 → 2024-01-08."), "écart 04/09/2023 → 08/01/2024."},
		{frText("ref x2025-06-15 et 12025-06-150"), "ref x2025-06-15 et 12025-06-150"},
		{frText("kit intermediaire"), "kit intermédiaire"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
