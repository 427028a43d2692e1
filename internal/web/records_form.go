package web

import (
	"fmt"
	"io"
	"net/http"

	"vigie/internal/civil"
)

// option is one choice of a select or checkbox list.
type option struct{ Value, Label string }

// recForm is a record form of a dossier (templates/recordform.html): the
// generic form plus choice lists, multi-valued answers and file inputs.
// Kinds used by its fields: text, date, textarea, yesno, number, select,
// checks (several choices), file.
type recForm struct {
	*form
	// Multipart is set when the form carries a file.
	Multipart bool
	// Opts lists the choices of select and checks fields, by field name.
	Opts map[string][]option
	// Checked holds the values ticked in checks fields, by field name.
	Checked map[string]map[string]bool
	// Back is the page to return to.
	Back string
	// Done is the confirmation shown after a successful import.
	Done string
}

// Options returns the choices of a field.
func (d *recForm) Options(name string) []option { return d.Opts[name] }

// IsChecked reports whether a value is ticked in a checks field.
func (d *recForm) IsChecked(name, value string) bool { return d.Checked[name][value] }

// fillChecks reads the multi-valued fields; unknown values are refused.
func (d *recForm) fillChecks(r *http.Request) {
	d.Checked = map[string]map[string]bool{}
	for _, x := range d.Fields {
		if x.Kind != "checks" {
			continue
		}
		known := map[string]bool{}
		for _, o := range d.Opts[x.Name] {
			known[o.Value] = true
		}
		d.Checked[x.Name] = map[string]bool{}
		for _, v := range r.PostForm[x.Name] {
			if !known[v] {
				x.Err = fmt.Sprintf("choix « %s » inconnu", v)
				continue
			}
			d.Checked[x.Name][v] = true
		}
	}
}

// choice checks a select field against its options.
func (d *recForm) choice(name, missing string) (string, bool) {
	x := d.get(name)
	if x.Value == "" {
		x.Err = missing
		return "", false
	}
	for _, o := range d.Opts[name] {
		if o.Value == x.Value {
			return x.Value, true
		}
	}
	x.Err = fmt.Sprintf("choix « %s » inconnu", x.Value)
	return "", false
}

// pastDate reads a date field: JJ/MM/AAAA or AAAA-MM-JJ (what a date
// field of the browser sends), since 2000, not in the future.
func (d *recForm) pastDate(name string, today civil.Date) (civil.Date, bool) {
	x := d.get(name)
	if x.Value == "" {
		x.Err = "date obligatoire"
		return civil.Date{}, false
	}
	t, err := civil.ParseInput(x.Value)
	if err == nil {
		x.Value = t.String() // the date field of the form shows it back
	}
	switch {
	case err != nil:
		x.Err = fmt.Sprintf("« %s » n'est pas une date valide (attendu JJ/MM/AAAA)", x.Value)
	case t.Year < 2000:
		x.Err = "date antérieure à l'an 2000"
	case t.After(today):
		x.Err = fmt.Sprintf("date dans le futur (aujourd'hui : %s)", today.French())
	default:
		return t, true
	}
	return civil.Date{}, false
}

// renderRec shows a record form; a refused one answers 400.
func (s *Server) renderRec(w http.ResponseWriter, r *http.Request, rq *request, d *recForm) {
	status, title := http.StatusOK, d.Title
	if d.errCount() > 0 {
		status, title = http.StatusBadRequest, d.Title+" — erreur"
	}
	s.render(w, r, status, "recordform", pageData{Title: title, User: rq.p, CSRF: rq.csrf, Data: d})
}

// uploaded reads the optional file of a field: nil when none was sent; a
// file too large or unreadable sets the field's error.
func (d *recForm) uploaded(r *http.Request, name string, max int64) ([]byte, string) {
	x := d.get(name)
	if r.MultipartForm == nil || len(r.MultipartForm.File[name]) == 0 || r.MultipartForm.File[name][0].Size == 0 {
		return nil, ""
	}
	if len(r.MultipartForm.File[name]) > 1 {
		x.Err = "un seul fichier à la fois"
		return nil, ""
	}
	hdr := r.MultipartForm.File[name][0]
	if hdr.Size > max {
		x.Err = fmt.Sprintf("le fichier fait %s : %d Mio au plus", sizeFr(hdr.Size), max>>20)
		return nil, ""
	}
	fl, err := hdr.Open()
	if err != nil {
		x.Err = "fichier illisible"
		return nil, ""
	}
	defer fl.Close()
	data, err := io.ReadAll(io.LimitReader(fl, max+1))
	switch {
	case err != nil:
		x.Err = "fichier illisible"
		return nil, ""
	case int64(len(data)) > max:
		x.Err = fmt.Sprintf("le fichier dépasse %d Mio", max>>20)
		return nil, ""
	}
	return data, hdr.Filename
}
