// Package demo bundles a fictional GHT (three hospitals, their sites, audits,
// exercises and records) used by "vigie demo" and by the tests.
package demo

import (
	_ "embed"
	"slices"

	"vigie/internal/civil"
)

//go:embed ght-exemple.json
var ghtDossier []byte

// GHTDossier returns the demo GHT as a vigie-dossier/1 file.
func GHTDossier() []byte { return slices.Clone(ghtDossier) }

// AsOf is the date the demo is evaluated at by default: two weeks before the
// declaration deadline, when every objective has something to say.
func AsOf() civil.Date { return civil.Date{Year: 2025, Month: 6, Day: 15} }
