package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"vigie/internal/care"
	"vigie/internal/store"
)

// checkIDRe is the format of an ANSSI AD control point, e.g. vuln1_krbtgt.
var checkIDRe = regexp.MustCompile(`^vuln([1-5])_[a-z0-9_]{1,80}$`)

// maxFailedChecks bounds the failed control points of one ADS result.
const maxFailedChecks = 200

// recordRoutes registers the record forms of a dossier (records_*.go).
func (s *Server) recordRoutes(handle func(pattern string, h http.Handler)) {
	upload := int64(maxEvidenceBytes + 1<<20)
	handle("GET /dossiers/{id}/audits-ad/ads", s.page(s.adsHandler))
	handle("POST /dossiers/{id}/audits-ad/ads", s.pageUpload(s.adsHandler, upload))
	handle("GET /dossiers/{id}/audits-exposition/nouveau", s.page(s.exposureEntryHandler))
	handle("POST /dossiers/{id}/audits-exposition/nouveau", s.pageUpload(s.exposureEntryHandler, upload))
	handle("GET /dossiers/{id}/entites/saisie", s.page(s.entityEntryHandler))
	handle("POST /dossiers/{id}/entites/saisie", s.page(s.entityEntryHandler))
	handle("GET /dossiers/{id}/annuaires/saisie", s.page(s.directoryEntryHandler))
	handle("POST /dossiers/{id}/annuaires/saisie", s.page(s.directoryEntryHandler))
	handle("GET /finess/import", s.page(s.etalabHandler))
	handle("POST /finess/import", s.pageUpload(s.etalabHandler, maxEtalabBytes+1<<20))
}

// adsForm describes the official ADS result form of a dossier.
func adsForm(id string, dirs []care.Directory) *recForm {
	d := &recForm{form: &form{
		Title:  "Enregistrer un résultat officiel ADS",
		Intro:  "Objectif D1.O1 (D1.O1.A audit, D1.O1.B niveau) : résultat de l'audit de l'annuaire Active Directory par le service ADS de l'ANSSI.",
		Action: "/dossiers/" + id + "/audits-ad/ads",
		Submit: "Enregistrer le résultat",
		Fields: []*field{
			{Name: "annuaire", Label: "Annuaire", Kind: "select", Required: true},
			{Name: "date", Label: "Date du résultat ADS", Help: "Format JJ/MM/AAAA.", Kind: "date", Required: true},
			{Name: "niveau", Label: "Niveau ANSSI atteint", Help: "De 1 (le plus faible) à 5.", Kind: "select", Required: true},
			{Name: "points", Label: "Points de contrôle en échec", Help: "Identifiants ANSSI séparés par des espaces, virgules ou retours à la ligne, par exemple vuln1_krbtgt vuln2_trusts_sid_filtering.", Kind: "textarea"},
			{Name: evidenceField, Label: "Rapport ADS (PDF, facultatif)", Help: fmt.Sprintf("Joint aux pièces justificatives du dossier, chiffré ; %d Mio au plus.", maxEvidenceBytes>>20), Kind: "file"},
		},
	}, Multipart: true, Back: "/dossiers/" + id, Opts: map[string][]option{}}
	for _, x := range dirs {
		d.Opts["annuaire"] = append(d.Opts["annuaire"], option{x.ID, x.Name})
	}
	for l := 1; l <= 5; l++ {
		d.Opts["niveau"] = append(d.Opts["niveau"], option{strconv.Itoa(l), "niveau " + strconv.Itoa(l)})
	}
	return d
}

// adsHandler serves GET and POST of the ADS result form: write role, and
// only the directories the user sees.
func (s *Server) adsHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	var dirs []care.Directory
	for _, x := range f.Directories {
		if !v.Partial() || usesVisible(v, x) {
			dirs = append(dirs, x)
		}
	}
	d := adsForm(v.Applicant.ID, dirs)
	if len(dirs) == 0 {
		return &httpError{Status: http.StatusBadRequest, Msg: "Aucun annuaire n'est déclaré dans ce dossier (ou dans votre périmètre) : déclarez-le d'abord dans le dossier importé."}
	}
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.fill(r.PostForm.Get)
	a, ok := s.validateADS(d)
	data, name := d.uploaded(r, evidenceField, maxEvidenceBytes)
	ct := ""
	if data != nil {
		var msg string
		if ct, msg = detectEvidence(data); msg != "" {
			d.get(evidenceField).Err = msg
		} else if ct != "application/pdf" {
			d.get(evidenceField).Err = "le rapport ADS doit être un fichier PDF"
		}
	}
	if !ok || d.errCount() > 0 {
		s.renderRec(w, r, rq, d)
		return nil
	}
	var ev *store.EvidenceFile
	if data != nil {
		ev = &store.EvidenceFile{Applicant: v.Applicant.ID, Name: cleanFileName(name, ct), ContentType: ct, UploadedBy: rq.p.Login}
		a.Report = ev.Name
	}
	report, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = s.st.RecordADAudit(store.WithActor(r.Context(), rq.p.Login), a, report, ev, data)
	if errors.Is(err, store.ErrNoKey) {
		return &httpError{Status: http.StatusServiceUnavailable, Msg: "Le résultat ne peut pas être enregistré : " + store.ErrNoKey.Error() + "."}
	}
	if qe, ok := errors.AsType[*store.QuotaExceeded](err); ok {
		d.get(evidenceField).Err = qe.Error()
		s.renderRec(w, r, rq, d)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"?enregistre=audit-ad#obj-D1.O1", http.StatusSeeOther)
	return nil
}

// usesVisible reports whether a directory serves an entity of the view.
func usesVisible(v *view, d care.Directory) bool {
	for _, e := range d.Entities {
		if v.only[e] {
			return true
		}
	}
	return false
}

// validateADS checks the ADS form and builds the audit summary.
func (s *Server) validateADS(d *recForm) (care.ADAudit, bool) {
	a := care.ADAudit{Source: care.SourceADS}
	a.Directory, _ = d.choice("annuaire", "choisissez l'annuaire audité")
	a.Date, _ = d.pastDate("date", s.today())
	if l, ok := d.choice("niveau", "choisissez le niveau (1 à 5)"); ok {
		a.Level, _ = strconv.Atoi(l)
	}
	x := d.get("points")
	seen := map[string]bool{}
	for _, id := range strings.FieldsFunc(x.Value, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		m := checkIDRe.FindStringSubmatch(id)
		switch {
		case m == nil:
			x.Err = fmt.Sprintf("« %s » n'est pas un identifiant de point de contrôle ANSSI (format vuln1_nom, en minuscules)", truncateRunes(id, 40))
		case a.Level > 0 && int(m[1][0]-'0') < a.Level:
			x.Err = fmt.Sprintf("« %s » est un point de niveau %s en échec : incohérent avec le niveau %d déclaré", id, m[1], a.Level)
		case seen[id]:
			continue
		default:
			seen[id] = true
			a.FailedChecks = append(a.FailedChecks, id)
		}
		if x.Err != "" {
			break
		}
	}
	if x.Err == "" && len(a.FailedChecks) > maxFailedChecks {
		x.Err = fmt.Sprintf("%d points au plus", maxFailedChecks)
	}
	return a, d.errCount() == 0
}

// truncateRunes shortens s to n characters for an error message.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
