package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/french"
)

// The rows of the grids are written here rather than in the templates: a
// page holds up to a hundred rows of a dozen cells, and building them
// directly costs a small fraction of template execution (which calls
// every helper through reflection). Every piece of text is escaped.

// esch escapes text for HTML content and attribute values.
func esch(s string) string { return html.EscapeString(s) }

// statusSpan writes a status with its mark (hidden from screen readers,
// the word says it); met with a warning is never marked as a plain
// success (report.ResultMark, through markOf).
func statusSpan(b *strings.Builder, st care.Status, warn bool) {
	b.WriteString(`<span aria-hidden="true">`)
	b.WriteString(markOf(st, warn))
	b.WriteString(`</span> `)
	b.WriteString(esch(resultWord(st, warn)))
}

// Body writes the rows of the dossiers grid's page.
func (v *gridView) Body() template.HTML {
	var b strings.Builder
	b.Grow(len(v.Rows) * 2400)
	for _, r := range v.Rows {
		b.WriteString(`<tr data-dossier="`)
		b.WriteString(esch(r.ID))
		b.WriteString(`"><th scope="row" data-label="Dossier"><a href="`)
		b.WriteString(esch(v.DossierLink(r, "")))
		b.WriteString(`">`)
		b.WriteString(esch(r.Name))
		b.WriteString(`</a> <span class="meta">`)
		b.WriteString(esch(r.ID))
		b.WriteString(`</span></th>`)
		if v.ShowRegion {
			b.WriteString(`<td data-label="Région">`)
			b.WriteString(esch(orDash(r.Region)))
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td data-label="Département">`)
		b.WriteString(esch(orDash(r.Dep)))
		b.WriteString(`</td><td data-label="Catégorie">`)
		b.WriteString(esch(bucketFr(r.Bucket)))
		b.WriteString(`</td>`)
		if r.Err != "" {
			b.WriteString(`<td colspan="`)
			b.WriteString(strconv.Itoa(len(v.Objectives)))
			b.WriteString(`" data-label="Erreur">`)
			b.WriteString(esch(r.Err))
			b.WriteString(`</td>`)
		} else {
			for i, c := range r.Cells {
				id := esch(v.Objectives[i].ID)
				b.WriteString(`<td data-label="`)
				b.WriteString(id)
				b.WriteString(`" class="cellule statut-`)
				b.WriteString(resultClassName(c.Status, c.Warn))
				b.WriteString(`">`)
				if c.Status == care.NotApplicable {
					b.WriteString(`<span class="meta" title="non applicable">—</span></td>`)
					continue
				}
				b.WriteString(`<a href="`)
				b.WriteString(esch(v.DossierLink(r, v.Objectives[i].ID)))
				b.WriteString(`" title="`)
				b.WriteString(id)
				b.WriteString(` : `)
				b.WriteString(esch(resultWord(c.Status, c.Warn)))
				b.WriteString(`">`)
				statusSpan(&b, c.Status, c.Warn)
				b.WriteString(`</a> <span class="meta">`)
				b.WriteString(strconv.Itoa(c.Met))
				b.WriteString(`/`)
				b.WriteString(strconv.Itoa(c.Total))
				b.WriteString(`</span>`)
				if c.Overdue > 0 {
					b.WriteString(` <span class="echu">`)
					b.WriteString(esch(french.Plural(c.Overdue, "retard", "retards")))
					b.WriteString(`</span>`)
				}
				b.WriteString(`</td>`)
			}
		}
		b.WriteString(`<td data-label="En retard">`)
		if r.Overdue > 0 {
			b.WriteString(`<span class="echu">`)
			b.WriteString(esch(french.Int(r.Overdue)))
			b.WriteString(`</span>`)
		} else {
			b.WriteString(`0`)
		}
		b.WriteString(`</td><td data-label="Prochaine échéance">`)
		b.WriteString(dateOrDash(r.NextDue.IsZero(), r.NextDue.French()))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) // every piece of text went through esch
}

// Body writes the rows of the entity grid.
func (g *entityGrid) Body() template.HTML {
	var b strings.Builder
	b.Grow(len(g.Rows) * 2400)
	for _, r := range g.Rows {
		b.WriteString(`<tr data-entite="`)
		b.WriteString(esch(r.ID))
		b.WriteString(`"><th scope="row" data-label="Établissement">`)
		if r.Kind == "GHT" {
			b.WriteString(esch(r.Name))
			b.WriteString(` <span class="meta">(GHT)</span></th><td data-label="FINESS">—</td>`)
		} else {
			b.WriteString(`<a href="/entites/`)
			b.WriteString(esch(r.ID))
			b.WriteString(esch(atQuery(g.At)))
			b.WriteString(`">`)
			b.WriteString(esch(r.Name))
			b.WriteString(`</a> <span class="meta">`)
			b.WriteString(esch(r.Kind))
			b.WriteString(`</span></th><td data-label="FINESS">`)
			b.WriteString(esch(r.ID))
			b.WriteString(`</td>`)
		}
		for i, c := range r.Cells {
			id := esch(g.Objectives[i].Objective)
			b.WriteString(`<td data-label="`)
			b.WriteString(id)
			b.WriteString(`" class="cellule`)
			if !c.Present {
				b.WriteString(`"><span class="meta" title="ne s'applique pas à cette entité">—</span></td>`)
				continue
			}
			b.WriteString(` statut-`)
			b.WriteString(resultClassName(c.Status, c.Warn))
			b.WriteString(`"><span title="`)
			b.WriteString(esch(frText(c.Reason)))
			b.WriteString(`">`)
			statusSpan(&b, c.Status, c.Warn)
			b.WriteString(`</span>`)
			if !c.Due.IsZero() {
				b.WriteString(`<br><span class="meta`)
				if c.Overdue && !c.LateSince.IsZero() {
					b.WriteString(` echu">en retard depuis le `)
					b.WriteString(c.LateSince.French())
					b.WriteString(`, avant le `)
				} else if c.Overdue {
					b.WriteString(` echu">échue le `)
				} else {
					b.WriteString(`">avant le `)
				}
				b.WriteString(c.Due.French())
				b.WriteString(`</span>`)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td data-label="En retard">`)
		if r.Overdue > 0 {
			b.WriteString(`<span class="echu">`)
			b.WriteString(strconv.Itoa(r.Overdue))
			b.WriteString(`</span>`)
		} else {
			b.WriteString(`0`)
		}
		b.WriteString(`</td><td data-label="Prochaine échéance">`)
		b.WriteString(dateOrDash(r.NextDue.IsZero(), r.NextDue.French()))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func dateOrDash(zero bool, fr string) string {
	if zero {
		return "—"
	}
	return fr
}
