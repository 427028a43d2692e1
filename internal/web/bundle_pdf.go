package web

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"vigie/internal/care"
)

// The status sheet embeds the Go fonts (golang.org/x/image/font/gofont,
// BSD licence, WGL4 coverage: accents, « », ≥, →, €): the PDF shows every
// character of the French reasons without any font installed.
const pdfFont = "go"

// statusSheet is what the PDF status sheet shows.
type statusSheet struct {
	Applicant string // name and ID
	Partial   bool
	Ev        *care.Evaluation
	Wave      *care.Wave
	Files     []evidenceRow
	Generated time.Time // in the server's time zone
}

// statusColours are the text and fill colours of each status, as on the
// web pages (text never relies on colour alone: the status is written).
var statusColours = map[care.Status][2][3]int{
	care.Met:           {{15, 93, 42}, {227, 244, 232}},
	care.NotMet:        {{163, 23, 15}, {253, 232, 230}},
	care.InProgress:    {{122, 74, 0}, {255, 243, 214}},
	care.MissingData:   {{75, 58, 140}, {236, 233, 251}},
	care.NotApplicable: {{55, 65, 81}, {243, 244, 246}},
}

// pdfDoc wraps fpdf with the sheet's table helpers.
type pdfDoc struct {
	*fpdf.Fpdf
	bottom float64 // y where the page's content must stop
}

// statusPDF writes the French status sheet of a dossier: TLP:AMBER and
// the evaluation date at the top of every page, the verdict per objective
// (coloured), each entity's status with its reason and next deadline, the
// evidence files, and a signature block.
func statusPDF(d statusSheet, compress bool) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
	f.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	f.AddUTF8FontFromBytes(pdfFont, "I", goitalic.TTF)
	f.SetCompression(compress)
	f.SetCreationDate(d.Generated)
	f.SetModificationDate(d.Generated)
	f.SetTitle("Fiche d'état CaRE — "+d.Applicant, true)
	f.SetAuthor("Vigie", true)
	f.SetSubject("TLP:AMBER", true)
	f.SetMargins(15, 22, 15)
	f.SetAutoPageBreak(true, 18)
	f.AliasNbPages("{nb}")
	ev := d.Ev
	f.SetHeaderFunc(func() {
		f.SetXY(15, 8)
		f.SetFillColor(0, 0, 0)
		f.SetTextColor(255, 192, 0) // TLP amber on black, as FIRST's standard
		f.SetFont(pdfFont, "B", 9)
		f.CellFormat(24, 6, "TLP:AMBER", "", 0, "C", true, 0, "")
		f.SetTextColor(55, 65, 81)
		f.SetFont(pdfFont, "", 8)
		f.CellFormat(0, 6, fmt.Sprintf("Fiche d'état CaRE — %s — situation au %s", d.Applicant, ev.AsOf.French()), "", 1, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetY(20)
	})
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont(pdfFont, "I", 7.5)
		f.SetTextColor(55, 65, 81)
		f.CellFormat(0, 5, fmt.Sprintf("Vigie — édité le %s (%s) — diffusion limitée (TLP:AMBER) — page %d sur {nb}",
			d.Generated.Format("02/01/2006 à 15:04"), d.Generated.Location(), f.PageNo()), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	_, h := f.GetPageSize()
	p := &pdfDoc{Fpdf: f, bottom: h - 18}
	p.text("B", 15, 7, "Fiche d'état du dossier CaRE")
	p.text("B", 11, 6, d.Applicant)
	p.text("", 10, 5, fmt.Sprintf("Situation au %s, programme %s.", ev.AsOf.French(), ev.Wave))
	if d.Partial {
		p.text("I", 9, 5, "Vue limitée aux établissements de votre périmètre.")
	}
	elig := "non"
	if ev.Eligible {
		elig = "oui"
	}
	decl := "fermée"
	if !ev.Dossier.Deadline.IsZero() {
		decl += " (échéance " + ev.Dossier.Deadline.French() + ")"
	}
	if ev.Dossier.DeclarationOpen {
		decl = "ouverte jusqu'au " + ev.Dossier.Deadline.French()
	}
	p.text("", 10, 5, "Éligibilité : "+elig+". Déclaration d'atteinte : "+decl+".")
	switch {
	case ev.Dossier.Final:
		p.text("", 10, 5, "Dossier clos : "+frText(ev.Dossier.FinalReason)+".")
	case ev.Dossier.Next != nil:
		p.text("", 10, 5, "Prochaine étape du dossier : "+ev.Dossier.Next.Title+".")
	}
	if n := ev.Dossier.Notice; n != "" {
		p.text("B", 10, 5, frText(n))
	}
	if fz := ev.Frozen; fz != nil {
		p.text("B", 10, 5, "Verdicts figés au "+fz.At.French()+" : "+frText(fz.Note))
	}
	if na := ev.Dossier.NextAction; na != nil {
		p.text("", 10, 5, "Prochaine action du dossier : "+frText(na.Action)+".")
	}

	p.heading("Synthèse par objectif")
	widths := []float64{22, 98, 36, 24}
	p.header([]string{"Objectif", "Intitulé", "Statut", "Entités atteintes"}, widths)
	for _, o := range ev.Objectives {
		warn := false
		for _, r := range ev.Results {
			warn = warn || r.Objective == o.Objective && warned(r)
		}
		p.row(widths, []pdfCell{{Text: o.Objective}, {Text: o.Title}, statusCell(o.Status, warn), {Text: fmt.Sprintf("%d sur %d", o.Met, o.Total)}})
	}

	p.heading("Détail par objectif et par entité")
	widths = []float64{44, 30, 76, 30}
	for _, b := range blocks(ev) {
		p.ensure(18)
		p.text("B", 10, 6, b.Sum.Objective+" — "+b.Sum.Title)
		p.header([]string{"Entité", "Statut", "Motif et preuves", "Prochaine échéance"}, widths)
		for _, r := range b.Results {
			name := r.EntityName
			if name == "" {
				name = r.Entity
			}
			reason := frText(r.Reason)
			if len(r.Evidence) > 0 {
				reason += "\nPreuves : " + evidenceText(r.Evidence)
			}
			for _, w := range r.Warnings {
				reason += "\nRéserve : " + frText(w)
			}
			due := "—"
			if r.Next != nil {
				due = frText(r.Next.Action)
				if !r.Next.Due.IsZero() {
					due = r.Next.Due.French() + " : " + due
				}
			}
			p.row(widths, []pdfCell{{Text: name + "\n" + r.Entity}, statusCell(r.Status, warned(r)), {Text: reason}, {Text: due}})
		}
	}

	if cur := ev.Current; cur != nil {
		p.heading("Situation actuelle, hors vague")
		p.text("I", 9, 5, frText(cur.Note))
		for _, l := range postureLines(cur) {
			p.text("", 9, 5, "• "+l)
		}
	}

	p.heading("Pièces justificatives jointes")
	if len(d.Files) == 0 {
		p.text("", 9, 5, "Aucune pièce justificative déposée à cette date.")
	} else {
		widths = []float64{46, 52, 32, 50}
		p.header([]string{"Fichier", "Justifie", "Déposé", "Empreinte SHA-256"}, widths)
		for _, fl := range d.Files {
			p.row(widths, []pdfCell{{Text: fl.File.Name + " (" + fl.SizeFr + ")"}, {Text: fl.Target + "\n" + fl.Entity},
				{Text: fl.File.UploadedAt.In(d.Generated.Location()).Format("02/01/2006") + "\npar " + fl.File.UploadedBy}, {Text: fl.File.SHA256, Small: true}})
		}
	}

	p.ensure(60)
	p.heading("Visa")
	p.text("", 9, 5, "Je certifie l'exactitude des informations de cette fiche, établie à partir des données enregistrées dans Vigie à la date indiquée.")
	f.Ln(2)
	y := f.GetY()
	for i, who := range []string{"Pour l'établissement ou le GHT", "Pour l'ARS"} {
		x := 15 + float64(i)*92
		f.Rect(x, y, 88, 38, "D")
		f.SetXY(x+2, y+2)
		f.SetFont(pdfFont, "B", 9)
		f.CellFormat(84, 5, who, "", 2, "L", false, 0, "")
		f.SetFont(pdfFont, "", 8.5)
		for _, l := range []string{"Nom : ", "Fonction : ", "Date : ", "Signature :"} {
			f.SetX(x + 2)
			f.CellFormat(84, 6.5, l, "", 2, "L", false, 0, "")
		}
	}
	f.SetY(y + 40)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("fiche PDF : %w", err)
	}
	return buf.Bytes(), nil
}

// pdfCell is one cell of a table row, with an optional status colour.
type pdfCell struct {
	Text   string
	Status care.Status // coloured when set
	Small  bool
}

// statusCell is a status cell; met with a warning is written « atteint
// avec réserve » in the in-progress colours, never the success's.
func statusCell(s care.Status, warn bool) pdfCell {
	c := pdfCell{Text: resultWord(s, warn), Status: s}
	if warn && s == care.Met {
		c.Status = care.InProgress
	}
	return c
}

// text writes a paragraph.
func (p *pdfDoc) text(style string, size, h float64, s string) {
	p.SetFont(pdfFont, style, size)
	p.MultiCell(0, h, s, "", "L", false)
}

// heading starts a section, on a new page when too little room is left.
func (p *pdfDoc) heading(s string) {
	p.ensure(24)
	p.Ln(3)
	p.text("B", 12, 7, s)
}

// ensure starts a new page unless h millimetres are left.
func (p *pdfDoc) ensure(h float64) {
	if p.GetY()+h > p.bottom {
		p.AddPage()
	}
}

// header writes a table header row.
func (p *pdfDoc) header(heads []string, widths []float64) {
	cells := make([]pdfCell, len(heads))
	for i, h := range heads {
		cells[i] = pdfCell{Text: h}
	}
	p.SetFont(pdfFont, "B", 8.5)
	p.SetFillColor(229, 231, 235)
	p.rowStyled(widths, cells, true)
}

// row writes a table row whose height fits its longest cell.
func (p *pdfDoc) row(widths []float64, cells []pdfCell) {
	p.SetFont(pdfFont, "", 8.5)
	p.rowStyled(widths, cells, false)
}

const pdfLine = 4.2

func (p *pdfDoc) rowStyled(widths []float64, cells []pdfCell, head bool) {
	size, _ := p.GetFontSize()
	lines := 1
	for i, c := range cells {
		if c.Small {
			p.SetFontSize(6.5)
		}
		lines = max(lines, len(p.SplitText(c.Text, widths[i]-2)))
		p.SetFontSize(size)
	}
	h := float64(lines)*pdfLine + 1.6
	p.ensure(h)
	x, y := 15.0, p.GetY()
	for i, c := range cells {
		fill := head
		if col, ok := statusColours[c.Status]; ok && c.Status != "" {
			p.SetFillColor(col[1][0], col[1][1], col[1][2])
			p.SetTextColor(col[0][0], col[0][1], col[0][2])
			fill = true
		} else if head {
			p.SetFillColor(229, 231, 235)
		}
		p.SetDrawColor(156, 163, 175)
		p.Rect(x, y, widths[i], h, map[bool]string{true: "FD", false: "D"}[fill])
		p.SetXY(x+1, y+0.8)
		if c.Small {
			p.SetFontSize(6.5)
		}
		if c.Status != "" {
			p.SetFont(pdfFont, "B", size)
		}
		p.MultiCell(widths[i]-2, pdfLine, c.Text, "", "L", false)
		p.SetFontSize(size)
		if c.Status != "" && !head {
			p.SetFont(pdfFont, "", size)
		}
		p.SetTextColor(0, 0, 0)
		x += widths[i]
	}
	p.SetXY(15, y+h)
}
