package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// gridPageSize is how many dossiers one page of a grid shows; counts and
// exports cover every dossier the filters keep.
const gridPageSize = 100

// statusSlugs are the status filter values of the grids (URL) and their
// statuses: French words, never the stored codes.
var statusSlugs = []struct {
	Slug   string
	Status care.Status
}{
	{"non-atteint", care.NotMet}, {"donnees-manquantes", care.MissingData}, {"en-cours", care.InProgress},
	{"atteint", care.Met}, {"non-applicable", care.NotApplicable},
}

// gridQuery is what the user asked of a dossiers grid (?region=…).
type gridQuery struct {
	Region, Dep, Objective, Status string
	Bucket                         org.Bucket
	Overdue                        bool
	Sort                           string // nom, region, departement, categorie, entites, retard, echeance, or an objective ID
	Desc                           bool
	Page                           int
	At                             string // ?at= as written, empty for the default date
	Vigie                          bool
}

// parseGridQuery reads and checks the filters; a bad value is a 400 with
// a French message naming the filter.
func (s *Server) parseGridQuery(r *http.Request) (gridQuery, error) {
	q := r.URL.Query()
	g := gridQuery{Region: strings.TrimSpace(q.Get("region")), Dep: strings.TrimSpace(q.Get("departement")),
		Objective: q.Get("objectif"), Status: q.Get("statut"), Sort: q.Get("tri"), Desc: q.Get("ordre") == "desc",
		Overdue: q.Get("retard") == "1", Vigie: includeVigie(r), Page: 1}
	bad := func(msg string) error { return &httpError{Status: http.StatusBadRequest, Msg: msg} }
	if b := q.Get("categorie"); b != "" {
		if bucketFr(org.Bucket(b)) == "catégorie inconnue" {
			return g, bad("Catégorie inconnue : choisissez GHT, public hors GHT, privé non lucratif ou privé lucratif.")
		}
		g.Bucket = org.Bucket(b)
	}
	if g.Objective != "" {
		if _, ok := s.columnPos[g.Objective]; !ok {
			return g, bad(fmt.Sprintf("Objectif « %s » inconnu : choisissez un objectif de la liste.", g.Objective))
		}
	}
	if g.Status != "" && statusOfSlug(g.Status) == "" {
		return g, bad(fmt.Sprintf("Statut « %s » inconnu : choisissez atteint, non atteint, en cours, données manquantes ou non applicable.", g.Status))
	}
	if g.Dep != "" && (len(g.Dep) > 3 || strings.ContainsFunc(g.Dep, func(r rune) bool { return !('0' <= r && r <= '9' || r == 'A' || r == 'B') })) {
		return g, bad(fmt.Sprintf("Département « %s » invalide : deux chiffres attendus (2A et 2B pour la Corse, trois chiffres outre-mer).", g.Dep))
	}
	switch g.Sort {
	case "", "nom", "region", "departement", "categorie", "entites", "retard", "echeance":
	default:
		if _, ok := s.columnPos[g.Sort]; !ok {
			return g, bad("Tri inconnu : choisissez une colonne du tableau.")
		}
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100000 {
			return g, bad("Numéro de page invalide : entier positif attendu.")
		}
		g.Page = n
	}
	return g, nil
}

func statusOfSlug(slug string) care.Status {
	for _, s := range statusSlugs {
		if s.Slug == slug {
			return s.Status
		}
	}
	return ""
}

// values writes the query back as URL parameters (page and sort
// overridable), for links and exports.
func (g gridQuery) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("region", g.Region)
	set("departement", g.Dep)
	set("categorie", string(g.Bucket))
	set("objectif", g.Objective)
	set("statut", g.Status)
	set("tri", g.Sort)
	set("at", g.At)
	if g.Overdue {
		v.Set("retard", "1")
	}
	if g.Desc {
		v.Set("ordre", "desc")
	}
	if g.Vigie {
		v.Set("vigie", "1")
	}
	return v
}

// gridCount is one objective's counts over the dossiers a grid keeps.
type gridCount struct {
	Objective care.Objective
	// Concerned counts the dossiers the objective applies to; Met those
	// where every entity meets it.
	Concerned, Met, NotMet, InProgress, Missing int
	// Overdue counts the dossiers with an overdue action on it.
	Overdue int
}

// gridView is a dossiers grid as shown: the filtered, sorted page of rows
// and the counts over every row kept.
type gridView struct {
	Q          gridQuery
	AsOf       civil.Date
	Objectives []care.Objective
	Rows       []*gridRow // this page
	Kept, All  int        // rows kept by the filters, rows in scope
	Counts     []gridCount
	Page, Last int
	Regions    []string // filter choices
	Deps       []string
	ShowRegion bool // national scope: the region filter and column
	Title      string
	Buckets    []struct {
		Value org.Bucket
		Label string
	}
	Statuses []struct {
		Slug   string
		Status care.Status
	}
}

// keep reports whether a row passes the query's filters.
func (g gridQuery) keep(r *gridRow, pos map[string]int) bool {
	if g.Region != "" && r.Region != g.Region || g.Dep != "" && r.Dep != g.Dep || g.Bucket != "" && r.Bucket != g.Bucket {
		return false
	}
	if g.Overdue {
		if r.Overdue == 0 {
			return false
		}
		if g.Objective != "" && (r.Cells == nil || r.Cells[pos[g.Objective]].Overdue == 0) {
			return false
		}
	}
	if g.Status != "" {
		want := statusOfSlug(g.Status)
		if r.Cells == nil {
			return false
		}
		if g.Objective != "" {
			return r.Cells[pos[g.Objective]].Status == want
		}
		return slices.ContainsFunc(r.Cells, func(c gridCell) bool { return c.Status == want })
	}
	return true
}

// sortRows orders rows by the query's column (name first on ties).
func (g gridQuery) sortRows(rows []*gridRow, pos map[string]int) {
	by := func(a, b *gridRow) int {
		switch g.Sort {
		case "region":
			return strings.Compare(a.Region, b.Region)
		case "departement":
			return strings.Compare(a.Dep, b.Dep)
		case "categorie":
			return strings.Compare(bucketFr(a.Bucket), bucketFr(b.Bucket))
		case "entites":
			return cmp.Compare(a.Entities, b.Entities)
		case "retard":
			return cmp.Compare(b.Overdue, a.Overdue) // most overdue first
		case "echeance":
			return compareDue(a.NextDue, b.NextDue)
		case "", "nom":
			return 0
		}
		i := pos[g.Sort]
		return cmp.Compare(cellRank(b, i), cellRank(a, i)) // worst first
	}
	slices.SortStableFunc(rows, func(a, b *gridRow) int {
		c := by(a, b)
		if g.Desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Or(strings.Compare(a.sortName, b.sortName), strings.Compare(a.ID, b.ID))
		}
		return c
	})
}

// compareDue orders dates, an absent date last.
func compareDue(a, b civil.Date) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

func cellRank(r *gridRow, i int) int {
	if r.Cells == nil {
		return 10
	}
	return statusRank(r.Cells[i].Status)
}

// buildGridView filters, counts, sorts and pages the rows in scope.
func (s *Server) buildGridView(rows []*gridRow, q gridQuery, asOf civil.Date, national bool) *gridView {
	v := &gridView{Q: q, AsOf: asOf, Objectives: s.columns, All: len(rows), ShowRegion: national,
		Buckets: bucketLabels, Statuses: statusSlugs}
	regions, deps := map[string]bool{}, map[string]bool{}
	var kept []*gridRow
	v.Counts = make([]gridCount, len(s.columns))
	for i, o := range s.columns {
		v.Counts[i].Objective = o
	}
	for _, r := range rows {
		if r.Region != "" {
			regions[r.Region] = true
		}
		if r.Dep != "" {
			deps[r.Dep] = true
		}
		if !q.keep(r, s.columnPos) {
			continue
		}
		kept = append(kept, r)
		for i, c := range r.Cells {
			n := &v.Counts[i]
			if c.Status == care.NotApplicable {
				continue
			}
			n.Concerned++
			switch c.Status {
			case care.Met:
				n.Met++
			case care.NotMet:
				n.NotMet++
			case care.InProgress:
				n.InProgress++
			case care.MissingData:
				n.Missing++
			}
			if c.Overdue > 0 {
				n.Overdue++
			}
		}
	}
	v.Regions, v.Deps = sortedKeys(regions), sortedKeys(deps)
	q.sortRows(kept, s.columnPos)
	v.Kept = len(kept)
	v.Last = max(1, (len(kept)+gridPageSize-1)/gridPageSize)
	v.Page = min(q.Page, v.Last)
	from := (v.Page - 1) * gridPageSize
	v.Rows = kept[from:min(from+gridPageSize, len(kept))]
	return v
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Link returns the grid's address with some parameters changed (empty
// values removed), for sort headers, pages and exports.
func (v *gridView) Link(path string, kv ...string) string {
	vals := v.Q.values()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			vals.Del(kv[i])
		} else {
			vals.Set(kv[i], kv[i+1])
		}
	}
	if e := vals.Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// SortLink is the header link of a column: sorts by it, or reverses the
// order when it is already the sort column.
func (v *gridView) SortLink(col string) string {
	cur := v.Q.Sort
	if cur == "" {
		cur = "nom"
	}
	order := ""
	if cur == col && !v.Q.Desc {
		order = "desc"
	}
	return v.Link("/", "tri", col, "ordre", order, "page", "")
}

// SortMark tells, for a header, whether and how the grid is sorted by it
// (aria-sort value).
func (v *gridView) SortMark(col string) string {
	cur := v.Q.Sort
	if cur == "" {
		cur = "nom"
	}
	if cur != col {
		return "none"
	}
	if v.Q.Desc {
		return "descending"
	}
	return "ascending"
}

// PageLink is the address of page n.
func (v *gridView) PageLink(n int) string { return v.Link("/", "page", strconv.Itoa(n)) }

// Export is the address of the grid's export in a format (csv or xlsx).
func (v *gridView) Export(format string) string { return v.Link("/pilotage."+format, "page", "") }

// DossierLink is the drill-down address of a row, at the grid's date.
func (v *gridView) DossierLink(r *gridRow, anchor string) string {
	u := "/dossiers/" + url.PathEscape(r.ID)
	vals := url.Values{}
	if v.Q.At != "" {
		vals.Set("at", v.Q.At)
	}
	if v.Q.Vigie {
		vals.Set("vigie", "1")
	}
	if e := vals.Encode(); e != "" {
		u += "?" + e
	}
	if anchor != "" {
		u += "#obj-" + anchor
	}
	return u
}
