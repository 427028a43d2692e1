// Package org models the establishments the CaRE programme deals with: GHT
// (territorial hospital groups), EJ (legal entities) and EG (geographic
// sites), their FINESS identifiers and their category.
package org

import (
	"errors"
	"fmt"
	"strings"
)

// FINESS is a validated 9-character FINESS number, without spaces.
type FINESS string

// FINESS validation errors, in French for the user.
var (
	ErrFINESSLength   = errors.New("un numéro FINESS compte 9 caractères")
	ErrFINESSChar     = errors.New("caractère non autorisé (chiffres, ou 2A/2B pour la Corse)")
	ErrFINESSCheckKey = errors.New("clé de contrôle invalide")
)

// ParseFINESS validates a FINESS number: spaces are tolerated and removed,
// 9 characters remain, the département prefix may be 2A/2B (Corsica, mapped
// to 1/2 before the check), and the last digit is a Luhn key.
func ParseFINESS(s string) (FINESS, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) != 9 {
		return "", fmt.Errorf("%q : %w", s, ErrFINESSLength)
	}
	digits := []byte(s)
	for i, c := range digits {
		switch {
		case c >= '0' && c <= '9':
		case i == 1 && s[0] == '2' && (c == 'A' || c == 'B'):
			digits[i] = '1' + (c - 'A')
		default:
			return "", fmt.Errorf("%q, position %d : %w", s, i+1, ErrFINESSChar)
		}
	}
	if !luhn(digits) {
		return "", fmt.Errorf("%s : %w", s, ErrFINESSCheckKey)
	}
	return FINESS(s), nil
}

// luhn checks the mod-10 key over ASCII digits.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// LuhnKey computes the check digit to append to an 8-character FINESS body
// (2A/2B allowed). Used to make valid fictional numbers.
func LuhnKey(body string) (byte, error) {
	if len(body) != 8 {
		return 0, ErrFINESSLength
	}
	for k := byte('0'); k <= '9'; k++ {
		if _, err := ParseFINESS(body + string(k)); err == nil {
			return k, nil
		}
	}
	return 0, ErrFINESSChar
}

// Departement returns the département part of the number (2 or 3 characters:
// 97x and 98x overseas codes use three).
func (f FINESS) Departement() string {
	if len(f) < 3 {
		return string(f)
	}
	if f[0] == '9' && (f[1] == '7' || f[1] == '8') {
		return string(f[:3])
	}
	return string(f[:2])
}

// String returns the number as stored.
func (f FINESS) String() string { return string(f) }

// ParseSIREN validates a SIREN company number: 9 digits (spaces tolerated
// and removed) with a Luhn key.
func ParseSIREN(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if len(s) != 9 {
		return "", fmt.Errorf("SIREN %q : un SIREN compte 9 chiffres", s)
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("SIREN %q : caractère %q non autorisé (chiffres uniquement)", s, rune(c))
		}
	}
	if !luhn([]byte(s)) {
		return "", fmt.Errorf("SIREN %s : clé de contrôle (Luhn) invalide", s)
	}
	return s, nil
}
