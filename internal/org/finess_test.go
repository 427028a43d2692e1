package org

import (
	"errors"
	"testing"
)

func TestParseFINESS(t *testing.T) {
	valid := map[string]FINESS{
		"750712184":    "750712184", // AP-HP (EJ)
		"330781196":    "330781196", // CHU de Bordeaux
		"690781810":    "690781810", // Hospices civils de Lyon
		"75 071 218 4": "750712184", // spaces as printed on the public site
		" 330781196 ":  "330781196",
		"2A0000014":    "2A0000014", // Corsica: A→1 before the check
		"2a0000014":    "2A0000014",
		"010000016":    "010000016",
	}
	for in, want := range valid {
		got, err := ParseFINESS(in)
		if err != nil || got != want {
			t.Errorf("ParseFINESS(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	invalid := map[string]error{
		"750712185":  ErrFINESSCheckKey,
		"330781197":  ErrFINESSCheckKey,
		"2B0000014":  ErrFINESSCheckKey, // B maps to 2, so the key changes
		"2A0000015":  ErrFINESSCheckKey,
		"75071218":   ErrFINESSLength, // the 8-character PMSI form has no key
		"7507121840": ErrFINESSLength,
		"":           ErrFINESSLength,
		"3A0781196":  ErrFINESSChar, // only 2A/2B
		"75071218X":  ErrFINESSChar,
		"2C0000014":  ErrFINESSChar,
	}
	for in, want := range invalid {
		_, err := ParseFINESS(in)
		if !errors.Is(err, want) {
			t.Errorf("ParseFINESS(%q) error = %v, want %v", in, err, want)
		}
	}
}

func TestLuhnKey(t *testing.T) {
	for body, key := range map[string]byte{"75071218": '4', "2A000001": '4', "01000001": '6'} {
		k, err := LuhnKey(body)
		if err != nil || k != key {
			t.Errorf("LuhnKey(%s) = %c, %v; want %c", body, k, err, key)
		}
	}
}

func TestDepartement(t *testing.T) {
	for f, want := range map[FINESS]string{"750712184": "75", "2A0000014": "2A", "970100012": "970", "010000016": "01"} {
		if got := f.Departement(); got != want {
			t.Errorf("%s: %s, want %s", f, got, want)
		}
	}
}

func FuzzParseFINESS(f *testing.F) {
	for _, s := range []string{"750712184", "2A0000014", "75 071 218 4", "", "2b", "ééééééééé", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseFINESS(s)
		if err != nil {
			return
		}
		if len(v) != 9 {
			t.Fatalf("accepted %q as %q", s, v)
		}
		again, err := ParseFINESS(string(v))
		if err != nil || again != v {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, v, again, err)
		}
	})
}

func TestParseSIREN(t *testing.T) {
	for _, ok := range []string{"732829320", "732 829 320"} {
		if _, err := ParseSIREN(ok); err != nil {
			t.Errorf("ParseSIREN(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"732829321", "73282932", "73282932A", ""} {
		if _, err := ParseSIREN(bad); err == nil {
			t.Errorf("ParseSIREN(%q) accepted", bad)
		}
	}
}
