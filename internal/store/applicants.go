package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/french"
	"vigie/internal/org"
)

// ApplicantKind says whether an applicant is a GHT candidature or an EJ
// applying outside any GHT.
type ApplicantKind string

// Applicant kinds.
const (
	ApplicantGHT ApplicantKind = "ght"
	ApplicantEJ  ApplicantKind = "ej"
)

// Applicant is one CaRE candidature: a GHT (carried by its support EJ) or
// an EJ outside a GHT. Its ID is the GHT code, or the EJ FINESS number.
type Applicant struct {
	ID   string        `json:"id"`
	Kind ApplicantKind `json:"kind"`
	// GHT is the GHT code of a GHT candidature (equal to ID), empty otherwise.
	GHT string `json:"ght,omitempty"`
	// FINESS is the support EJ of a GHT, or the applying EJ.
	FINESS org.FINESS `json:"finess"`
	Name   string     `json:"name"`
	Region string     `json:"region,omitempty"`
	Wave   string     `json:"wave,omitempty"`
}

// applicantOfFacts derives the applicant of a dossier: its GHT when it has
// one, otherwise its only EJ.
func applicantOfFacts(f care.Facts) (string, ApplicantKind, error) {
	if f.GHT != nil {
		if strings.TrimSpace(f.GHT.Code) == "" {
			return "", "", errors.New("dossier de GHT sans code GHT")
		}
		return f.GHT.Code, ApplicantGHT, nil
	}
	var ejs []org.FINESS
	for _, e := range f.Entities {
		if e.Kind == org.EJ {
			ejs = append(ejs, e.FINESS)
		}
	}
	if len(ejs) != 1 {
		return "", "", fmt.Errorf("dossier hors GHT : une seule EJ attendue, %s", french.Plural(len(ejs), "trouvée", "trouvées"))
	}
	return string(ejs[0]), ApplicantEJ, nil
}

const applicantQuery = `SELECT a.id, a.kind, a.wave,
	COALESCE(g.name, e.name, ''), COALESCE(g.region, e.region, ''), COALESCE(g.support, e.finess, '')
	FROM applicants a
	LEFT JOIN ghts g ON a.kind = 'ght' AND g.code = a.id
	LEFT JOIN entities e ON a.kind = 'ej' AND e.finess = a.id`

func scanApplicant(r rowScanner) (Applicant, error) {
	var a Applicant
	var kind, support string
	if err := r.Scan(&a.ID, &kind, &a.Wave, &a.Name, &a.Region, &support); err != nil {
		return a, err
	}
	a.Kind, a.FINESS = ApplicantKind(kind), org.FINESS(support)
	if a.Kind == ApplicantGHT {
		a.GHT = a.ID
	}
	return a, nil
}

// Applicants lists every applicant, by ID.
func (s *Store) Applicants(ctx context.Context) ([]Applicant, error) {
	rows, err := s.r.QueryContext(ctx, applicantQuery)
	if err != nil {
		return nil, fmt.Errorf("lecture des candidats : %w", err)
	}
	defer rows.Close()
	var out []Applicant
	for rows.Next() {
		a, err := scanApplicant(rows)
		if err != nil {
			return nil, fmt.Errorf("lecture des candidats : %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lecture des candidats : %w", err)
	}
	slices.SortFunc(out, func(a, b Applicant) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Applicant returns one applicant by ID.
func (s *Store) Applicant(ctx context.Context, id string) (Applicant, error) {
	a, err := scanApplicant(s.r.QueryRowContext(ctx, applicantQuery+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Applicant{}, fmt.Errorf("candidat %s : %w", id, ErrNotFound)
	}
	if err != nil {
		return Applicant{}, fmt.Errorf("lecture du candidat %s : %w", id, err)
	}
	return a, nil
}

// ApplicantOf finds the applicant an EJ or EG falls under: the dossier
// that lists it; else, for an EG, its EJ's; else the GHT candidature of
// the EJ's GHT when one was imported.
func (s *Store) ApplicantOf(ctx context.Context, f org.FINESS) (Applicant, error) {
	id, err := s.applicantIDOf(ctx, f)
	if err != nil {
		return Applicant{}, err
	}
	return s.Applicant(ctx, id)
}

func (s *Store) applicantIDOf(ctx context.Context, f org.FINESS) (string, error) {
	lookup := func(q string, arg any) (string, error) {
		var id string
		err := s.r.QueryRowContext(ctx, q, arg).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return id, err
	}
	const direct = `SELECT applicant FROM applicant_entities WHERE finess = $1`
	const viaGHT = `SELECT a.id FROM ght_members m JOIN applicants a ON a.id = m.ght WHERE m.finess = $1`
	candidates := []org.FINESS{f}
	var parent string
	err := s.r.QueryRowContext(ctx, `SELECT parent FROM entities WHERE finess = $1`, f).Scan(&parent)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("établissement %s : %w", f, ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("lecture de l'établissement %s : %w", f, err)
	case parent != "":
		candidates = append(candidates, org.FINESS(parent))
	}
	for _, q := range []string{direct, viaGHT} {
		for _, c := range candidates {
			id, err := lookup(q, c)
			if err != nil {
				return "", fmt.Errorf("candidat de %s : %w", f, err)
			}
			if id != "" {
				return id, nil
			}
		}
	}
	return "", fmt.Errorf("candidat de l'établissement %s : %w", f, ErrNotFound)
}
