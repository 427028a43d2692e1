package web

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"

	"vigie/internal/care"
)

// statusSheet is what the PDF status sheet shows.
type statusSheet struct {
	Applicant string // name and ID
	Partial   bool
	Ev        *care.Evaluation
	Files     []evidenceRow
	Generated time.Time
}

// statusPDF writes the French status sheet of a dossier: verdict per
// objective and per entity with its reason and evidence, the evidence
// files, the date of evaluation and the next step. The core fonts are
// used with the cp1252 translation, so no font file is read at run time.
func statusPDF(d statusSheet, compress bool) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetCreationDate(d.Generated)
	pdf.SetModificationDate(d.Generated)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle("Fiche d'état CaRE — "+d.Applicant, true)
	pdf.SetAuthor("Vigie", true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("TLP:AMBER — Vigie, fiche éditée le %s — page %d", d.Generated.Format("02/01/2006 15:04"), pdf.PageNo())),
			"", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	text := func(style string, size, h float64, s string) {
		pdf.SetFont("Helvetica", style, size)
		pdf.MultiCell(0, h, tr(s), "", "L", false)
	}
	text("B", 15, 7, "Fiche d'état du dossier CaRE — "+d.Applicant)
	ev := d.Ev
	text("", 10, 5, fmt.Sprintf("Évaluation au %s (programme %s).", ev.AsOf.French(), ev.Wave))
	if d.Partial {
		text("I", 10, 5, "Vue limitée aux établissements de votre périmètre.")
	}
	elig := "non"
	if ev.Eligible {
		elig = "oui"
	}
	text("", 10, 5, "Éligibilité : "+elig+".")
	if n := ev.Dossier.Next; n != nil {
		text("", 10, 5, "Prochaine étape du dossier : "+n.Title+".")
	} else if ev.Dossier.Final {
		text("", 10, 5, "Dossier clos : "+ev.Dossier.FinalReason+".")
	}
	pdf.Ln(3)
	text("B", 12, 6, "Synthèse par objectif")
	pdf.SetFont("Helvetica", "B", 9)
	widths := []float64{25, 105, 30, 20}
	for i, h := range []string{"Objectif", "Intitulé", "Statut", "Atteint"} {
		pdf.CellFormat(widths[i], 6, tr(h), "1", 0, "L", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, o := range ev.Objectives {
		cells := []string{o.Objective, o.Title, o.Status.French(), fmt.Sprintf("%d / %d", o.Met, o.Total)}
		for i, c := range cells {
			pdf.CellFormat(widths[i], 6, tr(c), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(3)
	text("B", 12, 6, "Verdict par objectif et par entité")
	for _, b := range blocks(ev) {
		pdf.Ln(1)
		text("B", 10, 5, b.Sum.Objective+" — "+b.Sum.Title)
		for _, r := range b.Results {
			name := r.EntityName
			if name == "" {
				name = r.Entity
			}
			text("", 9, 4.5, fmt.Sprintf("• %s (%s) : %s — %s", name, r.Entity, r.Status.French(), r.Reason))
			if len(r.Evidence) > 0 {
				text("I", 8, 4, "   Preuves : "+evidenceText(r.Evidence))
			}
			if r.Next != nil {
				due := ""
				if !r.Next.Due.IsZero() {
					due = " (au plus tard le " + r.Next.Due.French() + ")"
				}
				text("", 8, 4, "   Suite : "+r.Next.Action+due)
			}
		}
	}
	pdf.Ln(3)
	text("B", 12, 6, "Pièces justificatives déposées")
	if len(d.Files) == 0 {
		text("", 9, 5, "Aucune pièce justificative déposée.")
	}
	for _, f := range d.Files {
		text("", 9, 4.5, fmt.Sprintf("• %s — %s (%s, %s, déposé par %s le %s, SHA-256 %s)", f.File.Name, f.Target, f.Entity, f.SizeFr,
			f.File.UploadedBy, f.File.UploadedAt.Format("02/01/2006"), f.File.SHA256))
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("fiche PDF : %w", err)
	}
	return buf.Bytes(), nil
}
