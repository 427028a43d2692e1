package web

import (
	"net/http"

	"vigie/internal/org"
	"vigie/internal/store"
)

// bucketLabels are the national statistics buckets, in display order.
var bucketLabels = []struct {
	Value org.Bucket
	Label string
}{
	{org.BucketGHT, "GHT"},
	{org.BucketPublicAlone, "Public hors GHT"},
	{org.BucketNonProfit, "Privé non lucratif"},
	{org.BucketForProfit, "Privé lucratif"},
}

func bucketFr(b org.Bucket) string {
	for _, l := range bucketLabels {
		if l.Value == b {
			return l.Label
		}
	}
	return "catégorie inconnue"
}

// homeRow is one dossier of the home page.
type homeRow struct {
	ID, Name, Region, Bucket string
	Support                  org.FINESS
	Partial                  bool
}

// homeData fills the home page.
type homeData struct {
	Rows    []homeRow
	Buckets []struct {
		Value org.Bucket
		Label string
	}
	Filter     org.Bucket
	ShowFilter bool
	Total      int
	OwnEntity  string
}

// bucketOf places an applicant in its statistics bucket.
func bucketOf(a store.Applicant, ejs map[org.FINESS]org.Entity) org.Bucket {
	if a.Kind == store.ApplicantGHT {
		return org.BucketGHT
	}
	return org.BucketOf(false, ejs[a.FINESS].Category)
}

// homePage lists the dossiers the user may see; national and regional
// roles may filter them by statistics bucket (?categorie=).
func (s *Server) homePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	views, err := s.visibleApplicants(r.Context(), rq.scope)
	if err != nil {
		return err
	}
	d := homeData{Buckets: bucketLabels, ShowFilter: rq.p.kind == scopeAll || rq.p.kind == scopeRegion}
	if rq.p.kind == scopeEntity {
		d.OwnEntity = rq.p.value
	}
	if f := r.URL.Query().Get("categorie"); f != "" {
		if bucketFr(org.Bucket(f)) == "catégorie inconnue" {
			return &httpError{Status: http.StatusBadRequest, Msg: "Catégorie inconnue : choisissez GHT, public hors GHT, privé non lucratif ou privé lucratif."}
		}
		d.Filter = org.Bucket(f)
	}
	ejList, err := s.st.Entities(r.Context(), store.EntityFilter{Kind: org.EJ})
	if err != nil {
		return err
	}
	ejs := make(map[org.FINESS]org.Entity, len(ejList))
	for _, e := range ejList {
		ejs[e.FINESS] = e
	}
	for _, v := range views {
		b := bucketOf(v.Applicant, ejs)
		d.Total++
		if d.Filter != "" && b != d.Filter {
			continue
		}
		d.Rows = append(d.Rows, homeRow{ID: v.Applicant.ID, Name: v.Applicant.Name, Region: v.Applicant.Region,
			Bucket: bucketFr(b), Support: v.Applicant.FINESS, Partial: v.Partial()})
	}
	s.render(w, r, http.StatusOK, "home", pageData{Title: "Mes dossiers", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}
