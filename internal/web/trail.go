package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"vigie/internal/alert"
	"vigie/internal/civil"
	"vigie/internal/store"
)

// trailPageSize is how many entries the trail page shows; the CSV export
// holds up to trailExportMax.
const (
	trailPageSize  = 200
	trailExportMax = 100_000
)

// actionLabels name the audit trail actions for people.
var actionLabels = map[string]string{
	store.ActionImport: "import d'un dossier", store.ActionEntities: "établissements (extraction FINESS)", store.ActionGHT: "GHT",
	store.ActionSaveAD: "audit AD enregistré", store.ActionSaveExposure: "audit d'exposition enregistré",
	store.ActionDirectory: "annuaire Active Directory", store.ActionEvidence: "pièce justificative déposée", store.ActionEntity: "établissement du dossier",
	store.ActionUserCreate: "création de compte", store.ActionUserPassword: "mot de passe changé", store.ActionTokenCreate: "jeton d'API créé",
	store.ActionTokenRevoke: "jeton d'API révoqué", store.ActionUserDisable: "compte désactivé", store.ActionUserEnable: "compte réactivé",
	store.ActionExercise: "exercice de crise", store.ActionBudget: "budget et ETP SSI", store.ActionOSIS: "auto-évaluation oSIS",
	store.ActionADConnection: "connexion à un annuaire", store.ActionGovernance: "gouvernance du GHT", store.ActionStep: "étape du dossier",
	store.ActionLoginFailed: "connexion échouée", store.ActionJobPrefix + "ad": "audit AD lancé", store.ActionJobPrefix + "exposure": "audit d'exposition lancé",
	store.ActionPerimeter: "périmètre d'exposition", store.ActionControllers: "contrôleurs de domaine déclarés",
	store.ActionLogoutAll: "déconnexion de toutes les sessions", store.ActionJobPerimeter: "périmètre d'un audit en file",
	store.ActionSchedule: "planification des audits", store.ActionKeyRotation: "rotation de la clé de chiffrement",
	store.ActionJobCancel: "tâche d'audit annulée", store.ActionAlertSubscription: "abonnement aux alertes",
}

// actionFr names an action for people (an unknown one loses its underscores).
func actionFr(a string) string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return strings.ReplaceAll(a, "_", " ")
}

// trailData fills the audit trail page.
type trailData struct {
	Entries  []store.TrailEntry
	Actions  []string
	Dossiers []string // the dossier filter's choices (scoped readers)
	Q        trailQuery
	Scoped   bool // the reader sees only the entries of its dossiers
	More     bool // more entries than shown: export them
}

// trailQuery is the page's filters as typed.
type trailQuery struct {
	By, Action, Dossier, From, To string
}

// Export is the CSV export's address with the same filters.
func (d trailData) Export() string {
	v := url.Values{}
	for k, x := range map[string]string{"qui": d.Q.By, "action": d.Q.Action, "dossier": d.Q.Dossier, "du": d.Q.From, "au": d.Q.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if e := v.Encode(); e != "" {
		return "/journal.csv?" + e
	}
	return "/journal.csv"
}

// trailFilter reads the filters and restricts them to the reader's scope:
// administrators and national auditors read everything, other auditors
// the entries of the dossiers they see; other roles are refused.
func (s *Server) trailFilter(r *http.Request, rq *request) (store.TrailFilter, trailData, error) {
	var d trailData
	switch {
	case rq.p.Role == RoleAdmin, rq.p.Role == RoleAuditor && rq.p.kind == scopeAll:
	case rq.p.Role == RoleAuditor:
		d.Scoped = true
	default:
		return store.TrailFilter{}, d, &httpError{Status: http.StatusForbidden, Msg: "Le journal d'audit est réservé aux administrateurs et aux auditeurs."}
	}
	q := r.URL.Query()
	d.Q = trailQuery{By: strings.TrimSpace(q.Get("qui")), Action: q.Get("action"), Dossier: strings.TrimSpace(q.Get("dossier")), From: q.Get("du"), To: q.Get("au")}
	f := store.TrailFilter{By: d.Q.By, Action: d.Q.Action, Dossier: d.Q.Dossier}
	day := func(name, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		x, err := civil.ParseInput(v)
		if err != nil {
			return time.Time{}, &httpError{Status: http.StatusBadRequest, Msg: fmt.Sprintf("Date « %s » (%s) invalide : format attendu JJ/MM/AAAA ou AAAA-MM-JJ.", v, name)}
		}
		return time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, s.loc), nil
	}
	var err error
	if f.From, err = day("du", d.Q.From); err != nil {
		return f, d, err
	}
	if f.To, err = day("au", d.Q.To); err != nil {
		return f, d, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the end day is included
	}
	if d.Scoped {
		views, err := s.visibleApplicants(r.Context(), rq.scope)
		if err != nil {
			return f, d, err
		}
		f.Dossiers = []string{}
		for _, v := range views {
			f.Dossiers = append(f.Dossiers, v.Applicant.ID)
		}
		d.Dossiers = f.Dossiers
		if d.Q.Dossier != "" && !slices.Contains(f.Dossiers, d.Q.Dossier) {
			f.Dossiers = []string{} // a dossier outside the scope shows nothing
		}
	}
	return f, d, nil
}

// trailPage shows the audit trail with its filters: who, what, dossier
// and period; failed logins are there too.
func (s *Server) trailPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	f, d, err := s.trailFilter(r, rq)
	if err != nil {
		return err
	}
	if v := r.URL.Query().Get("n"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5000 {
			return &httpError{Status: http.StatusBadRequest, Msg: "Nombre d'entrées invalide : entier entre 1 et 5000 attendu."}
		}
		f.Limit = n
	} else {
		f.Limit = trailPageSize
	}
	limit := f.Limit
	f.Limit++
	if d.Entries, err = s.st.TrailEntries(r.Context(), f); err != nil {
		return err
	}
	if len(d.Entries) > limit {
		d.Entries, d.More = d.Entries[:limit], true
	}
	for i := range d.Entries {
		d.Entries[i].Detail = s.detailFr(d.Entries[i].Action, d.Entries[i].Detail)
	}
	if d.Actions, err = s.st.TrailActions(r.Context()); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "trail", pageData{Title: "Journal d'audit", User: rq.p, CSRF: rq.csrf, Data: d})
	return nil
}

// trailCSV exports the filtered trail (UTF-8 with BOM, ";").
func (s *Server) trailCSV(w http.ResponseWriter, r *http.Request, rq *request) error {
	f, _, err := s.trailFilter(r, rq)
	if err != nil {
		return err
	}
	f.Limit = trailExportMax
	es, err := s.st.TrailEntries(r.Context(), f)
	if err != nil {
		return err
	}
	t := table{Name: "Journal d'audit", File: "journal", Head: []string{"Date et heure", "Auteur", "Action", "Objet", "Dossier", "Détail"}}
	for _, e := range es {
		t.Rows = append(t.Rows, []xcell{tx(e.At.In(s.loc).Format("02/01/2006 15:04:05")), tx(e.By), tx(actionFr(e.Action)),
			tx(e.Object), tx(e.Dossier), tx(s.detailFr(e.Action, e.Detail))})
	}
	data, err := csvOf(t)
	if err != nil {
		return err
	}
	sendAttachment(w, "vigie-journal-"+s.today().String()+".csv", "text/csv; charset=utf-8", data)
	return nil
}

// Patterns of the stored trail details that name codes.
var (
	detailAmount   = regexp.MustCompile(`(\d+)\.(\d\d) €`)
	detailRole     = regexp.MustCompile(`^rôle (\S+), périmètre "([^"]*)"$`)
	detailTarget   = regexp.MustCompile(` pour (\S+)$`)
	detailStepCode = regexp.MustCompile(`^étape (\S+) du `)
)

// detailFr rewrites a stored trail detail for people: dates, plurals,
// amounts with a decimal comma, and the codes of roles, scopes, dossier
// steps, evidence targets and alert kinds replaced by their French names.
func (s *Server) detailFr(action, detail string) string {
	detail = detailAmount.ReplaceAllString(frText(detail), "$1,$2 €")
	switch action {
	case store.ActionUserCreate:
		if m := detailRole.FindStringSubmatch(detail); m != nil {
			return "rôle " + Role(m[1]).French() + ", périmètre " + scopeFr(m[1], m[2])
		}
	case store.ActionEvidence:
		if m := detailTarget.FindStringSubmatchIndex(detail); m != nil {
			target, entity, _ := strings.Cut(detail[m[2]:m[3]], "@")
			t := targetFr(target)
			if entity != "" {
				t += " (" + entity + ")"
			}
			return detail[:m[2]] + t
		}
	case store.ActionAlertSubscription:
		for _, k := range alert.Kinds { // the kinds are stored as codes
			detail = strings.ReplaceAll(detail, string(k), k.French())
		}
	case store.ActionStep:
		if m := detailStepCode.FindStringSubmatchIndex(detail); m != nil {
			code := detail[m[2]:m[3]]
			for _, w := range s.cat.Waves {
				if t := stepTitle(&w, code); t != code {
					return "étape « " + t + " »" + detail[m[3]:]
				}
			}
		}
	}
	return detail
}
