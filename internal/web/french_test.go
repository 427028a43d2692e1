package web

import "testing"

func TestFrText(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{frText("niveau 1 le 2025-03-01 ; 1 audit(s) d'une autre source"), "niveau 1 le 01/03/2025 ; 1 audit d'une autre source"},
		{frText("l'audit relève 3 vulnérabilité(s) critique(s), 0 action(s)"), "l'audit relève 3 vulnérabilités critiques, 0 action"},
		{frText("FINESS 010000016 du 2025-06-15"), "FINESS 010000016 du 15/06/2025"},
		{frText("écart 2023-09-04 → 2024-01-08."), "écart 04/09/2023 → 08/01/2024."},
		{frText("exercice du 2024-11-18 (kit intermediaire)"), "exercice du 18/11/2024 (kit intermédiaire)"},
		{frText("kit debutant, kit confirme"), "kit débutant, kit confirmé"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
