package opssies

import (
	"fmt"
	"strings"

	"vigie/internal/org"
)

// ParseSIREN validates a SIREN: 9 digits (spaces tolerated and removed) with
// a Luhn key.
func ParseSIREN(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if len(s) != 9 {
		return "", fmt.Errorf("SIREN %q : un SIREN compte 9 chiffres", s)
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "", fmt.Errorf("SIREN %q : caractère %q non autorisé (chiffres uniquement)", s, rune(c))
		}
		n := int(c - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	if sum%10 != 0 {
		return "", fmt.Errorf("SIREN %s : clé de contrôle (Luhn) invalide", s)
	}
	return s, nil
}

// ParseFINESS validates a FINESS number (9 characters, Luhn key, 2A/2B for
// Corsica) through package org.
func ParseFINESS(s string) (string, error) {
	f, err := org.ParseFINESS(s)
	if err != nil {
		return "", fmt.Errorf("FINESS %w", err)
	}
	return string(f), nil
}
