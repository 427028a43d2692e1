package web

import (
	"net/http"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// gridExport sends the dossiers grid the filters keep (every page) as CSV
// (format "csv") or XLSX, for the region or the nation.
func (s *Server) gridExport(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if rq.p.kind != scopeAll && rq.p.kind != scopeRegion {
			return &httpError{Status: http.StatusForbidden, Msg: "L'export de la grille des dossiers est réservé aux comptes régionaux et nationaux."}
		}
		asOf, at, err := s.asOf(r)
		if err != nil {
			return err
		}
		q, err := s.parseGridQuery(r)
		if err != nil {
			return err
		}
		q.At, q.Page = at, 1
		v, _, err := s.dossiersGrid(r, rq, q, asOf)
		if err != nil {
			return err
		}
		rows, err := s.nationalRowsKept(r, rq, q, asOf)
		if err != nil {
			return err
		}
		t := s.gridTable(v, rows)
		name := "vigie-pilotage-" + asOf.String()
		if format == "csv" {
			data, err := csvOf(t)
			if err != nil {
				return err
			}
			sendAttachment(w, name+".csv", "text/csv; charset=utf-8", data)
			return nil
		}
		data, err := xlsxOf([]table{t}, s.now().In(s.loc))
		if err != nil {
			return err
		}
		sendAttachment(w, name+".xlsx", xlsxType, data)
		return nil
	}
}

// nationalRowsKept returns every row the query keeps, sorted, all pages.
func (s *Server) nationalRowsKept(r *http.Request, rq *request, q gridQuery, asOf civil.Date) ([]*gridRow, error) {
	all, _, err := s.nationalRows(r.Context(), asOf, care.Options{IncludeVigie: q.Vigie})
	if err != nil {
		return nil, err
	}
	var kept []*gridRow
	for _, g := range all {
		if rq.p.kind != scopeAll && g.Region != rq.p.value {
			continue
		}
		if q.keep(g, s.columnPos) {
			kept = append(kept, g)
		}
	}
	q.sortRows(kept, s.columnPos)
	return kept, nil
}

// gridTable lays out grid rows as an exported table.
func (s *Server) gridTable(v *gridView, rows []*gridRow) table {
	t := table{Name: "Pilotage au " + v.AsOf.French(), File: "pilotage",
		Head: []string{"Dossier", "Nom", "Type", "Région", "Département", "Catégorie", "Établissements"}}
	for _, o := range v.Objectives {
		t.Head = append(t.Head, o.ID+" — "+o.Title, o.ID+" entités atteintes", o.ID+" entités concernées")
	}
	t.Head = append(t.Head, "Actions en retard", "Prochaine échéance", "Erreur")
	for _, g := range rows {
		kind := "EJ hors GHT"
		if g.Kind == "ght" {
			kind = "GHT"
		}
		row := []xcell{tx(g.ID), tx(g.Name), tx(kind), tx(g.Region), tx(g.Dep), tx(bucketFr(g.Bucket)), ix(g.Entities)}
		for i := range v.Objectives {
			if g.Cells == nil {
				row = append(row, tx(""), tx(""), tx(""))
				continue
			}
			c := g.Cells[i]
			row = append(row, tx(resultWord(c.Status, c.Warn)), ix(c.Met), ix(c.Total))
		}
		row = append(row, ix(g.Overdue), dx(g.NextDue), tx(g.Err))
		t.Rows = append(t.Rows, row)
	}
	return t
}
