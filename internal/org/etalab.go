package org

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Etalab holds what the FINESS open-data extraction ("etalab-cs1100502",
// ';'-separated, one "structureet" row per site) says about establishments.
type Etalab struct {
	Version string // from the "finess;etalab;VERSION;DATE" first line
	Date    string
	Sites   []Site
	// Errors lists the rows that could not be read; they are not in Sites.
	Errors []LineError
}

// Site is one "structureet" row: a geographic entity and its EJ.
type Site struct {
	EG            FINESS
	EJ            FINESS
	Name          string
	Departement   string
	Category      string // categetab, e.g. "355" for a CH
	CategoryLabel string
	SIRET         string
}

// LineError is a row of the extraction that could not be read.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("ligne %d : %s", e.Line, e.Msg) }

// structureet column positions, in the published order.
const (
	colNoFinessET = 1
	colNoFinessEJ = 2
	colRS         = 3
	colRSLongue   = 4
	colDept       = 13
	colCategEtab  = 18
	colLibCateg   = 19
	colSIRET      = 22
	minColumns    = 23
)

// maxLine bounds one line of the extraction.
const maxLine = 64 << 10

// ReadEtalab reads the extraction. Lines may be UTF-8 or Latin-1 (older
// files); "geolocalisation" and other row types are skipped. A malformed
// "structureet" row is reported in Errors, never silently dropped.
func ReadEtalab(r io.Reader) (*Etalab, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	out := &Etalab{}
	line := 0
	for sc.Scan() {
		line++
		text := toUTF8(sc.Bytes())
		text = strings.TrimRight(text, "\r")
		if line == 1 {
			f := strings.Split(strings.TrimPrefix(text, "\ufeff"), ";")
			if len(f) < 2 || f[0] != "finess" || f[1] != "etalab" {
				return nil, fmt.Errorf("ligne 1 : en-tête « finess;etalab;… » attendu, trouvé %q", truncate(text, 60))
			}
			if len(f) > 2 {
				out.Version = f[2]
			}
			if len(f) > 3 {
				out.Date = f[3]
			}
			continue
		}
		if !strings.HasPrefix(text, "structureet;") {
			continue
		}
		s, err := parseSite(strings.Split(text, ";"))
		if err != nil {
			out.Errors = append(out.Errors, LineError{Line: line, Msg: err.Error()})
			continue
		}
		out.Sites = append(out.Sites, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ligne %d : %w", line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("fichier vide")
	}
	return out, nil
}

func parseSite(f []string) (Site, error) {
	if len(f) < minColumns {
		return Site{}, fmt.Errorf("%d colonnes, au moins %d attendues", len(f), minColumns)
	}
	eg, err := ParseFINESS(f[colNoFinessET])
	if err != nil {
		return Site{}, fmt.Errorf("nofinesset : %w", err)
	}
	ej, err := ParseFINESS(f[colNoFinessEJ])
	if err != nil {
		return Site{}, fmt.Errorf("nofinessej : %w", err)
	}
	name := strings.TrimSpace(f[colRSLongue])
	if name == "" {
		name = strings.TrimSpace(f[colRS])
	}
	return Site{EG: eg, EJ: ej, Name: name, Departement: f[colDept], Category: f[colCategEtab], CategoryLabel: f[colLibCateg], SIRET: f[colSIRET]}, nil
}

// Entities turns the sites into EG entities and the EJ they belong to (the
// extraction gives no legal status: those EJ have an unknown category until
// it is recorded).
func (e *Etalab) Entities() []Entity {
	var out []Entity
	seen := map[FINESS]bool{}
	for _, s := range e.Sites {
		if !seen[s.EJ] {
			seen[s.EJ] = true
			out = append(out, Entity{FINESS: s.EJ, Kind: EJ, Name: "EJ " + string(s.EJ)})
		}
	}
	for _, s := range e.Sites {
		if seen[s.EG] {
			continue // a site numbered like its EJ stays the EJ
		}
		seen[s.EG] = true
		out = append(out, Entity{FINESS: s.EG, Kind: EG, Name: s.Name, Parent: s.EJ})
	}
	return out
}

// toUTF8 returns b as text, decoding it as Latin-1 when it is not valid UTF-8.
func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
