package opssies

import (
	"fmt"

	"vigie/internal/org"
)

// ParseSIREN validates a SIREN (9 digits, Luhn key) through package org.
func ParseSIREN(s string) (string, error) { return org.ParseSIREN(s) }

// ParseFINESS validates a FINESS number (9 characters, Luhn key, 2A/2B for
// Corsica) through package org.
func ParseFINESS(s string) (string, error) {
	f, err := org.ParseFINESS(s)
	if err != nil {
		return "", fmt.Errorf("FINESS %w", err)
	}
	return string(f), nil
}
