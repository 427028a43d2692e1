package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/french"
	"vigie/internal/org"
	"vigie/internal/store"
)

// evidenceField is the name of the file field of the upload form.
const evidenceField = "fichier"

// evidenceRow is an evidence file as listed to the user.
type evidenceRow struct {
	File   store.EvidenceFile
	Target string // French label of what the file proves
	Entity string // name of the entity, empty for the whole dossier
	SizeFr string
}

// evidenceChoice is something a file can be attached to.
type evidenceChoice struct {
	Value  string // form value: target "@" entity
	Label  string
	Target string
	Entity org.FINESS
}

// evidenceData fills the evidence page.
type evidenceData struct {
	View     *view
	Files    []evidenceRow
	Choices  []evidenceChoice
	CanWrite bool
	Errs     map[string]string
	Chosen   string
	Saved    string // name of the file just stored
	// Renamed: the name sent disagreed with the content (evidence_type.go).
	Renamed bool
}

// evidenceRoutes registers the evidence and bundle routes through the
// server's route table (handle is routes' registering function).
func (s *Server) evidenceRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/preuves", s.page(s.evidencePage))
	handle("POST /dossiers/{id}/preuves", s.pageUpload(s.evidenceUpload, maxEvidenceBytes+1<<20))
	handle("GET /dossiers/{id}/preuves/{file}", s.page(s.evidenceDownload))
	handle("GET /dossiers/{id}/bundle.zip", s.page(s.bundleZip))
	handle("GET /dossiers/{id}/fiche.pdf", s.page(s.bundlePDF))
	handle("GET /dossiers/{id}/donnees/{table}", s.page(s.bundleCSV)) // {table}: TABLE.csv
	handle("GET /dossiers/{id}/donnees.xlsx", s.page(s.bundleXLSX))
}

// dossierExtras adds the charts and the evidence list to the dashboard.
func (s *Server) dossierExtras(ctx context.Context, v *view, d *dossierData) error {
	d.Charts = dossierCharts(d.Ev, d.Facts)
	rows, err := s.evidenceRows(ctx, v, d.Ev, d.Facts)
	if err != nil {
		return err
	}
	d.Files = rows
	return nil
}

// visibleFiles lists the applicant's files the view may see: all of them
// for a whole view, those of a visible entity for a partial one.
func (s *Server) visibleFiles(ctx context.Context, v *view) ([]store.EvidenceFile, error) {
	all, err := s.st.EvidenceFiles(ctx, v.Applicant.ID)
	if err != nil {
		return nil, err
	}
	if !v.Partial() {
		return all, nil
	}
	var out []store.EvidenceFile
	for _, f := range all {
		if f.Entity != "" && v.only[org.FINESS(f.Entity)] {
			out = append(out, f)
		}
	}
	return out, nil
}

// evidenceRows lists the visible files with French labels.
func (s *Server) evidenceRows(ctx context.Context, v *view, ev *care.Evaluation, f *care.Facts) ([]evidenceRow, error) {
	files, err := s.visibleFiles(ctx, v)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, c := range evidenceChoices(v, ev, f) {
		labels[c.Value] = c.Label
	}
	names := map[string]string{}
	for _, e := range f.Entities {
		names[string(e.FINESS)] = e.Name
	}
	var out []evidenceRow
	for _, fl := range files {
		row := evidenceRow{File: fl, Target: labels[fl.Target+"@"+fl.Entity], Entity: names[fl.Entity], SizeFr: sizeFr(fl.Size)}
		if row.Target == "" {
			row.Target = targetFr(fl.Target)
		}
		if row.Entity == "" {
			row.Entity = fl.Entity
		}
		out = append(out, row)
	}
	return out, nil
}

// sizeFr writes a size in French units.
func sizeFr(n int64) string {
	switch {
	case n >= 1<<20:
		return french.Decimal(float64(n)/(1<<20), 1) + " Mio"
	case n >= 1<<10:
		return french.Decimal(float64(n)/(1<<10), 1) + " Kio"
	}
	return french.Plural(int(n), "octet", "octets")
}

// evidenceChoices lists what a file may be attached to: objectives and
// records (AD audits, exposure audits, exercises). An objective is
// offered once per entity it applies to (its results; a directory's result
// applies to the entities the directory serves) and, in a whole view,
// once for the whole dossier; a partial view attaches only to its own
// entities and their exercises.
func evidenceChoices(v *view, ev *care.Evaluation, f *care.Facts) []evidenceChoice {
	var out []evidenceChoice
	add := func(target, label string, entity org.FINESS) {
		out = append(out, evidenceChoice{Value: target + "@" + string(entity), Label: label, Target: target, Entity: entity})
	}
	names := map[org.FINESS]string{}
	for _, e := range f.Entities {
		names[e.FINESS] = e.Name
	}
	dirs := map[string][]org.FINESS{}
	for _, d := range f.Directories {
		dirs[d.ID] = d.Entities
	}
	for _, o := range ev.Objectives {
		target := "objectif:" + o.Objective
		if !v.Partial() {
			add(target, fmt.Sprintf("Objectif %s — %s (dossier entier)", o.Objective, o.Title), "")
		}
		seen := map[org.FINESS]bool{}
		for _, r := range ev.Results {
			if r.Objective != o.Objective || r.Status == care.NotApplicable {
				continue
			}
			targets := []org.FINESS{org.FINESS(r.Entity)}
			if es, ok := dirs[r.Entity]; ok {
				targets = es
			}
			for _, e := range targets {
				if names[e] == "" || seen[e] {
					continue // hidden by the view, or the GHT itself
				}
				seen[e] = true
				add(target, fmt.Sprintf("Objectif %s — %s — %s", o.Objective, o.Title, names[e]), e)
			}
		}
	}
	if !v.Partial() {
		dirNames := map[string]string{}
		for _, d := range f.Directories {
			dirNames[d.ID] = d.Name
		}
		for _, a := range f.ADAudits {
			if _, ok := dirNames[a.Directory]; ok {
				add("audit-ad:"+adRef(a), fmt.Sprintf("Audit AD de %s du %s (%s, %s)", dirNames[a.Directory], a.Date.French(), a.LevelText(), sourceFr(a.Source)), "")
			}
		}
		for _, a := range f.ExposureAudits {
			add("audit-exposition:"+exposureRef(a), fmt.Sprintf("Audit d'exposition du %s (%s)", a.Date.French(), sourceFr(a.Source)), "")
		}
	}
	for _, x := range f.Exercises {
		if _, ok := names[x.Entity]; ok {
			add("exercice:"+string(x.Entity)+":"+x.Date.String(),
				fmt.Sprintf("Exercice de crise de %s du %s (RETEX, compte rendu)", names[x.Entity], x.Date.French()), x.Entity)
		}
	}
	return out
}

// adRef identifies an AD audit, by its ID or its directory and date.
func adRef(a care.ADAudit) string {
	if a.ID != "" {
		return a.ID
	}
	return a.Directory + ":" + a.Date.String()
}

// exposureRef identifies an exposure audit, by its ID or its date.
func exposureRef(a care.ExposureAudit) string {
	if a.ID != "" {
		return a.ID
	}
	return a.Date.String() + ":" + finessList(a.Entities)
}

// evidenceContext loads the view, evaluation and files of the page.
func (s *Server) evidenceContext(r *http.Request, rq *request) (*view, *care.Evaluation, *care.Facts, error) {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return nil, nil, nil, err
	}
	asOf, _, err := s.asOf(r)
	if err != nil {
		return nil, nil, nil, err
	}
	ev, f, err := s.evaluate(r.Context(), v, asOf)
	if err != nil {
		return nil, nil, nil, err
	}
	return v, ev, f, nil
}

// evidencePage lists a dossier's evidence files with the upload form.
func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, ev, f, err := s.evidenceContext(r, rq)
	if err != nil {
		return err
	}
	return s.renderEvidence(w, r, rq, http.StatusOK, v, ev, f, evidenceData{Saved: r.URL.Query().Get("ajoute"), Renamed: r.URL.Query().Get("renomme") == "1"})
}

// savedName is the name of the just-uploaded file whose ID ?ajoute= gives,
// when the user sees it (never text taken from the URL).
func savedName(rows []evidenceRow, id string) string {
	for _, row := range rows {
		if id != "" && row.File.ID == id {
			return row.File.Name
		}
	}
	return ""
}

func (s *Server) renderEvidence(w http.ResponseWriter, r *http.Request, rq *request, status int, v *view, ev *care.Evaluation, f *care.Facts, d evidenceData) error {
	rows, err := s.evidenceRows(r.Context(), v, ev, f)
	if err != nil {
		return err
	}
	d.View, d.Files, d.CanWrite, d.Saved = v, rows, rq.p.CanWrite(), savedName(rows, d.Saved)
	d.Choices = evidenceChoices(v, ev, f)
	s.render(w, r, status, "evidence", pageData{Title: "Pièces justificatives — " + v.Applicant.Name, User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// evidenceUpload stores an uploaded evidence file after checking its size
// and type; a refused file re-displays the form with the field named.
func (s *Server) evidenceUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, ev, f, err := s.evidenceContext(r, rq)
	if err != nil {
		return err
	}
	if !rq.p.CanWrite() {
		return errReadOnly
	}
	d := evidenceData{Errs: map[string]string{}, Chosen: r.PostForm.Get("rattachement")}
	var choice *evidenceChoice
	for _, c := range evidenceChoices(v, ev, f) {
		if c.Value == d.Chosen {
			choice = &c
			break
		}
	}
	if choice == nil {
		d.Errs["rattachement"] = "choisissez l'objectif ou l'enregistrement que la pièce justifie."
	}
	data, name, msg := readEvidenceFile(r)
	ct := ""
	if msg == "" {
		ct, msg = detectEvidence(data)
	}
	if msg != "" {
		d.Errs[evidenceField] = msg
	}
	if len(d.Errs) > 0 {
		return s.renderEvidence(w, r, rq, http.StatusBadRequest, v, ev, f, d)
	}
	original, name := name, cleanFileName(name, ct)
	ef := store.EvidenceFile{Applicant: v.Applicant.ID, Target: choice.Target, Entity: string(choice.Entity), Name: name, ContentType: ct, UploadedBy: rq.p.Login}
	if renamed(original, ct) {
		ef.OriginalName = cleanText(original, 200)
	}
	id, err := s.st.SaveEvidenceFile(r.Context(), ef, data)
	if errors.Is(err, store.ErrNoKey) {
		return &httpError{Status: http.StatusServiceUnavailable, Msg: "Les pièces justificatives ne peuvent pas être enregistrées : " + store.ErrNoKey.Error() + "."}
	}
	if qe, ok := errors.AsType[*store.QuotaExceeded](err); ok {
		d.Errs[evidenceField] = qe.Error() + "."
		return s.renderEvidence(w, r, rq, http.StatusRequestEntityTooLarge, v, ev, f, d)
	}
	if err != nil {
		return err
	}
	target := "/dossiers/" + v.Applicant.ID + "/preuves?ajoute=" + urlQueryEscape(id)
	if ef.OriginalName != "" {
		target += "&renomme=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// readEvidenceFile reads the uploaded file, or gives a French reason.
func readEvidenceFile(r *http.Request) ([]byte, string, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[evidenceField]) != 1 {
		return nil, "", "choisissez un fichier à envoyer."
	}
	hdr := r.MultipartForm.File[evidenceField][0]
	if hdr.Size > maxEvidenceBytes {
		return nil, "", fmt.Sprintf("le fichier fait %s : %d Mio au plus.", sizeFr(hdr.Size), maxEvidenceBytes>>20)
	}
	fl, err := hdr.Open()
	if err != nil {
		return nil, "", "fichier illisible."
	}
	defer fl.Close()
	data, err := io.ReadAll(io.LimitReader(fl, maxEvidenceBytes+1))
	if err != nil {
		return nil, "", "fichier illisible."
	}
	if len(data) > maxEvidenceBytes {
		return nil, "", fmt.Sprintf("le fichier dépasse %d Mio.", maxEvidenceBytes>>20)
	}
	return data, hdr.Filename, ""
}

// evidenceDownload sends a file to a user in scope, always as an
// attachment with a safe content type.
func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	fl, err := s.st.EvidenceFileInfo(r.Context(), v.Applicant.ID, r.PathValue("file"))
	if errors.Is(err, store.ErrNotFound) {
		return errOutOfScope
	}
	if err != nil {
		return err
	}
	if v.Partial() && !v.only[org.FINESS(fl.Entity)] {
		return errOutOfScope
	}
	startAttachment(w, fl.Name, servedType(fl.ContentType))
	w.Header().Set("Content-Length", strconv.FormatInt(fl.Size, 10))
	if _, err := s.st.WriteEvidenceFile(r.Context(), v.Applicant.ID, fl.ID, w); err != nil {
		s.log.ErrorContext(r.Context(), "téléchargement interrompu", "pièce", fl.ID, "erreur", err)
		panic(http.ErrAbortHandler) // headers are sent: cut the connection
	}
	return nil
}

// sendAttachment writes a download: attachment, nosniff, sandboxed.
func sendAttachment(w http.ResponseWriter, name, contentType string, data []byte) {
	startAttachment(w, name, contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// startAttachment sets the headers of a download (attachment, nosniff,
// sandboxed); the body follows, streamed by the caller.
func startAttachment(w http.ResponseWriter, name, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
}

// targetFr names what a file is attached to when the record is no longer
// offered (an audit since replaced, an objective of another wave).
func targetFr(target string) string {
	kind, rest, _ := strings.Cut(target, ":")
	switch kind {
	case "objectif":
		return "Objectif " + rest
	case "audit-ad":
		return "Audit AD " + rest
	case "audit-exposition":
		return "Audit d'exposition " + rest
	case "exercice":
		ent, date, _ := strings.Cut(rest, ":")
		if d, err := civil.Parse(date); err == nil {
			date = d.French()
		}
		return "Exercice de crise de " + ent + " du " + date
	}
	return target
}
