package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/french"
	"vigie/internal/org"
	"vigie/internal/report"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageNames are the pages; each is templates/NAME.html inside layout.html.
var pageNames = []string{"login", "error", "home", "dossier", "entity", "exercise", "form", "import", "trail", "evidence", "recordform",
	"audit_ad", "audit_exposure", "grid", "account", "accounts"}

// pageData is what every page template receives.
type pageData struct {
	Title string
	User  *Principal
	CSRF  string
	Data  any
	// Set by render: the explicit ?at= of the request (for links), the
	// path, today and, in a demonstration, the demo data's date.
	At     string
	AtDate civil.Date
	Path   string
	Today  civil.Date
	Demo   civil.Date
	Zone   string
}

// DemoShown reports whether the page shows the demo data at its own date.
func (d pageData) DemoShown() bool {
	return !d.Demo.IsZero() && (d.At == "" || d.At == d.Demo.String())
}

// templateFuncs are the helpers the templates use; times are shown in loc.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"statusFr":    func(s care.Status) string { return s.French() },
		"statusClass": func(s care.Status) string { return "statut-" + string(s) },
		"statusIcon":  report.StatusMark,
		// A result (or an objective) met with a warning is never shown as
		// a plain success (report.ResultMark).
		"resultIcon":   report.ResultMark,
		"resultClass":  func(r care.Result) string { return "statut-" + resultClassName(r.Status, warned(r)) },
		"resultFr":     func(r care.Result) string { return resultWord(r.Status, warned(r)) },
		"summaryIcon":  func(b objBlock) string { return markOf(b.Sum.Status, b.Warn) },
		"summaryClass": func(b objBlock) string { return "statut-" + resultClassName(b.Sum.Status, b.Warn) },
		"summaryFr":    func(b objBlock) string { return resultWord(b.Sum.Status, b.Warn) },
		"date": func(d civil.Date) string {
			if d.IsZero() {
				return "—"
			}
			return d.French()
		},
		"iso":      func(d civil.Date) string { return d.String() },
		"kindFr":   kindFr,
		"kitFr":    kitFr,
		"yesNo":    yesNo,
		"category": func(c org.Category) string { return c.French() },
		"roleFr":   func(r Role) string { return r.French() },
		"role":     func(s string) Role { return Role(s) },
		"scopeFr":  scopeFr,
		"actionFr": actionFr,
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return french.DateTime(t.In(loc))
		},
		"dict":           dict,
		"measureAnswers": func() []struct{ Value, Label string } { return measureAnswers },
		"plural":         french.Plural,
		"frText":         frText,
		"num":            french.Int,
		"decimal":        french.Decimal,
		"sourceFr":       sourceFr,
		"bucketFr":       bucketFr,
		"atq":            atQuery,
		"add":            func(a, b int) int { return a + b },
		"sevClass":       func(s exposure.Severity) string { return "gravite-" + string(s) },
		"sevFr":          func(s exposure.Severity) string { return s.French() },
		"deref":          func(b *bool) bool { return b != nil && *b },
		"derefInt": func(n *int) int {
			if n == nil {
				return 0
			}
			return *n
		},
	}
}

func kindFr(k org.Kind) string {
	if k == org.EG {
		return "entité géographique (EG)"
	}
	return "entité juridique (EJ)"
}

// kits are the ANS crisis exercise kit levels: stored value → French label.
var kits = []struct{ Value, Label string }{
	{"debutant", "débutant"}, {"intermediaire", "intermédiaire"}, {"confirme", "confirmé"},
}

func kitFr(v string) string {
	for _, k := range kits {
		if k.Value == v {
			return k.Label
		}
	}
	if v == "" {
		return "—"
	}
	return v
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "non renseigné"
	case *b:
		return "oui"
	}
	return "non"
}

// parsePages parses each page with the layout.
func parsePages(loc *time.Location) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs(loc)).ParseFS(templateFiles, "templates/layout.html", "templates/part_*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("gabarit %s : %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// render executes a page into a buffer first, so that a template error
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	d.Path, d.Today, d.Demo, d.Zone = r.URL.Path, s.today(), s.demo, s.loc.String()
	if at := r.URL.Query().Get("at"); at != "" {
		if x, err := civil.ParseInput(at); err == nil {
			d.At, d.AtDate = x.String(), x
		}
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, d); err != nil {
		s.log.ErrorContext(r.Context(), "gabarit", "page", name, "erreur", err)
		http.Error(w, "Erreur interne d'affichage.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows an error page (or JSON under /api/).
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, rq *request, he *httpError) {
	d := pageData{Title: "Erreur", Data: he}
	if rq != nil {
		d.User, d.CSRF = rq.p, rq.csrf
	}
	title := map[int]string{400: "Requête invalide", 403: "Accès refusé", 404: "Page introuvable", 429: "Trop de tentatives"}[he.Status]
	if title != "" {
		d.Title = title
	}
	status := he.Status
	if status < 400 || status > 599 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "error", d)
}

// staticHandler serves the embedded CSS and JavaScript.
func staticHandler() http.Handler {
	fsrv := http.FileServerFS(staticFiles) // paths are /static/NAME, as embedded
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// dict builds a map from key/value pairs, to pass several values to a sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict : nombre d'arguments impair")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict : clé %v non textuelle", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
