package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
	"vigie/internal/org"
	"vigie/internal/store"
)

// maxExposureFile bounds an uploaded exposure audit file.
const maxExposureFile = 16 << 20

// exposureSources are the sources of a manual exposure audit entry.
var exposureSources = []option{
	{care.SourceSILENE, "SILENE (ANSSI)"}, {care.SourceCERTSante, "CERT Santé"}, {care.SourceProvider, "prestataire (industriel CaRE D1)"},
}

// exposureEntryForm describes the exposure audit form of a dossier.
func exposureEntryForm(id string, ents []org.Entity) *recForm {
	d := &recForm{form: &form{
		Title: "Enregistrer un audit d'exposition",
		Intro: "Objectif D1.O2 (D1.O2.A audit, D1.O2.B vulnérabilités critiques). Saisissez le résultat, ou envoyez un fichier : " +
			"un audit d'exposition de Vigie (JSON, cochez alors les établissements couverts) ou un fichier OPSSIES CaRE D1 (JSON, qui nomme ses établissements).",
		Action: "/dossiers/" + id + "/audits-exposition/nouveau",
		Submit: "Enregistrer l'audit",
		Fields: []*field{
			{Name: "fichier", Label: "Fichier d'audit (facultatif)", Help: "JSON d'un audit Vigie ou fichier OPSSIES CaRE D1 ; s'il est fourni, seuls les établissements cochés sont lus en plus (audit Vigie).", Kind: "file"},
			{Name: "date", Label: "Date de fin du scan", Help: "Format JJ/MM/AAAA.", Kind: "date", Required: true},
			{Name: "source", Label: "Source", Kind: "select", Required: true},
			{Name: "entites", Label: "Établissements couverts", Kind: "checks", Required: true},
			{Name: "perimetre", Label: "Le scan couvre tout le périmètre exposé", Kind: "yesno", Required: true},
			{Name: "critiques", Label: "Vulnérabilités critiques", Kind: "number", Required: true},
			{Name: "elevees", Label: "Vulnérabilités élevées", Kind: "number", Required: true},
			{Name: "moyennes", Label: "Vulnérabilités moyennes", Kind: "number", Required: true},
			{Name: "faibles", Label: "Vulnérabilités faibles", Kind: "number", Required: true},
		},
	}, Multipart: true, Back: "/dossiers/" + id, Opts: map[string][]option{"source": exposureSources}}
	for _, e := range ents {
		d.Opts["entites"] = append(d.Opts["entites"], option{string(e.FINESS), fmt.Sprintf("%s (%s, FINESS %s)", e.Name, e.Kind, e.FINESS)})
	}
	return d
}

// exposureEntryHandler serves GET and POST of the exposure audit form:
// write role; only the entities the user sees may be covered.
func (s *Server) exposureEntryHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, f, err := s.loadWritableFacts(r, rq)
	if err != nil {
		return err
	}
	d := exposureEntryForm(v.Applicant.ID, visibleEntities(v, f))
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, d)
		return nil
	}
	d.fill(r.PostForm.Get)
	d.fillChecks(r)
	var chosen []org.FINESS
	for _, o := range d.Opts["entites"] {
		if d.IsChecked("entites", o.Value) {
			chosen = append(chosen, org.FINESS(o.Value))
		}
	}
	data, name := d.uploaded(r, "fichier", maxExposureFile)
	var audits []care.ExposureAudit
	if data != nil {
		audits = s.exposureFromFile(d, data, name, chosen)
	} else if d.get("fichier").Err == "" {
		if a, ok := s.exposureManual(d, chosen); ok {
			audits = []care.ExposureAudit{a}
		}
	}
	if d.errCount() > 0 || len(audits) == 0 {
		s.renderRec(w, r, rq, d)
		return nil
	}
	if data == nil {
		if data, err = json.Marshal(audits[0]); err != nil {
			return err
		}
	}
	_, err = s.st.RecordExposureAudits(store.WithActor(r.Context(), rq.p.Login), audits, data)
	switch {
	case errors.Is(err, store.ErrExists):
		d.get("fichier").Err = "ce fichier a déjà été enregistré"
		s.renderRec(w, r, rq, d)
		return nil
	case errors.Is(err, store.ErrNoKey):
		return &httpError{Status: http.StatusServiceUnavailable, Msg: "L'audit ne peut pas être enregistré : " + store.ErrNoKey.Error() + "."}
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"?enregistre=audit-exposition#obj-D1.O2", http.StatusSeeOther)
	return nil
}

// visibleEntities lists the dossier's entities the user sees.
func visibleEntities(v *view, f *care.Facts) []org.Entity {
	var out []org.Entity
	for _, e := range f.Entities {
		if !v.Partial() || v.only[e.FINESS] {
			out = append(out, e)
		}
	}
	return out
}

// exposureManual validates a manual entry.
func (s *Server) exposureManual(d *recForm, chosen []org.FINESS) (care.ExposureAudit, bool) {
	a := care.ExposureAudit{Entities: chosen}
	a.Date, _ = d.pastDate("date", s.today())
	a.Source, _ = d.choice("source", "choisissez la source (SILENE, CERT Santé ou prestataire)")
	if len(chosen) == 0 && d.get("entites").Err == "" {
		d.get("entites").Err = "cochez au moins un établissement couvert"
	}
	a.CompletePerimeter, _ = d.yesNo("perimetre")
	var c care.Counts
	c.Critical, _ = d.integer("critiques", 0, 1_000_000)
	c.High, _ = d.integer("elevees", 0, 1_000_000)
	c.Medium, _ = d.integer("moyennes", 0, 1_000_000)
	c.Low, _ = d.integer("faibles", 0, 1_000_000)
	a.Counts = &c
	return a, d.errCount() == 0
}

// exposureFromFile reads a Vigie exposure audit or an OPSSIES CaRE D1 file;
// a refused file sets the error of the file field.
func (s *Server) exposureFromFile(d *recForm, data []byte, name string, chosen []org.FINESS) []care.ExposureAudit {
	x := d.get("fichier")
	var probe struct {
		Events     json.RawMessage  `json:"events"`
		FinishedAt *json.RawMessage `json:"finished_at"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		x.Err = "fichier JSON illisible : un audit d'exposition Vigie ou un fichier OPSSIES CaRE D1 est attendu"
		return nil
	}
	allowed := map[org.FINESS]bool{}
	for _, o := range d.Opts["entites"] {
		allowed[org.FINESS(o.Value)] = true
	}
	ref := cleanFileName(name, "application/json")
	switch {
	case probe.Events != nil:
		sums, err := opssies.Parse(data)
		if err != nil {
			x.Err = "fichier OPSSIES refusé : " + err.Error()
			return nil
		}
		if len(sums) == 0 {
			x.Err = "aucun audit d'exposition (SILENE, CERT Santé ou prestataire) dans ce fichier OPSSIES"
			return nil
		}
		digest := sha256.Sum256(data) // the same IDs as "vigie import": a file is stored once
		var out []care.ExposureAudit
		for i, sm := range sums {
			a := care.ExposureAudit{ID: fmt.Sprintf("opssies-%x-%d", digest[:6], i+1), Date: civil.Of(sm.Date), CompletePerimeter: sm.CompletePerimeter, NoCritical: sm.NoCritical, Source: sm.Source, Report: ref}
			if sm.Counts != nil {
				a.Counts = &care.Counts{Critical: sm.Counts.Critical, High: sm.Counts.High, Medium: sm.Counts.Medium, Low: sm.Counts.Low, Info: sm.Counts.Info}
			}
			for _, e := range sm.Entities {
				fi, err := org.ParseFINESS(e)
				if err != nil || !allowed[fi] {
					x.Err = fmt.Sprintf("événement %d : l'établissement %s ne fait pas partie de ce dossier (ou de votre périmètre)", i+1, truncateRunes(e, 20))
					return nil
				}
				a.Entities = append(a.Entities, fi)
			}
			out = append(out, a)
		}
		return out
	case probe.FinishedAt != nil:
		var au exposure.Audit
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(&au); err != nil || au.FinishedAt.IsZero() {
			x.Err = "audit d'exposition Vigie illisible (date de fin du scan manquante)"
			return nil
		}
		sm := au.Summary
		if sm.Critical < 0 || sm.High < 0 || sm.Medium < 0 || sm.Low < 0 || sm.Info < 0 {
			x.Err = "audit d'exposition Vigie incohérent (nombre de vulnérabilités négatif)"
			return nil
		}
		if civil.Of(au.FinishedAt.In(s.loc)).After(s.today()) {
			x.Err = "audit d'exposition Vigie daté du futur"
			return nil
		}
		if len(chosen) == 0 {
			d.get("entites").Err = "cochez les établissements couverts par cet audit Vigie"
			return nil
		}
		return []care.ExposureAudit{{Entities: chosen, Date: civil.Of(au.FinishedAt.In(s.loc)), CompletePerimeter: au.Complete,
			Counts: &care.Counts{Critical: sm.Critical, High: sm.High, Medium: sm.Medium, Low: sm.Low, Info: sm.Info},
			Source: care.SourceVigie, Report: ref}}
	}
	x.Err = "format non reconnu : un audit d'exposition Vigie (JSON) ou un fichier OPSSIES CaRE D1 est attendu"
	return nil
}
