package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
)

// Roles of the authorization matrix: the demo accounts plus an
// establishment outside any GHT and another region's ARS.
const (
	mAdmin    = "admin"
	mGHT      = "referent-ght"
	mPartial  = "rssi-valmont"  // an establishment inside the GHT dossier (partial view)
	mEstab    = "rssi-clinique" // an establishment applying alone (whole view of its dossier)
	mARS      = "ars-cvl"
	mARSOther = "ars-idf"
	mAuditor  = "auditeur"
)

var matrixRoles = []string{mAdmin, mGHT, mPartial, mEstab, mARS, mARSOther, mAuditor}

// writers are the roles that record data (ARS and auditor read only).
var writers = []string{mAdmin, mGHT, mPartial, mEstab}

// routePolicy says who may use a route on what they see; everyone else
// in scope gets 403, out of scope 404.
type routePolicy struct {
	public bool     // no session needed
	roles  []string // roles allowed in scope (nil: every role)
	// perUser: the resource belongs to one account (an alert
	// subscription); the matrix names none, so every account gets 404
	// (TestAlertSubscriptions checks the owner and the others).
	perUser bool
}

func only(roles ...string) routePolicy { return routePolicy{roles: roles} }

var everyone = routePolicy{}

// routePolicies lists every route of the router. A route missing here
// fails TestAuthorizationMatrix: a new route cannot skip the matrix.
var routePolicies = map[string]routePolicy{
	"GET /static/":     {public: true},
	"GET /sante":       {public: true},
	"GET /favicon.ico": {public: true},
	"GET /connexion":   {public: true},
	"POST /connexion":  {public: true},

	"POST /deconnexion":         everyone,
	"POST /deconnexion-partout": everyone,
	"GET /{$}":                  everyone,
	"GET /pilotage.csv":         only(mAdmin, mARS, mARSOther), // regional and national accounts
	"GET /pilotage.xlsx":        only(mAdmin, mARS, mARSOther),
	"GET /journal":              only(mAdmin, mAuditor), // the auditor reads its scope's entries
	"GET /journal.csv":          only(mAdmin, mAuditor),
	"GET /import":               only(writers...),
	"POST /import":              only(writers...),
	"GET /finess/import":        only(mAdmin),
	"POST /finess/import":       only(mAdmin),

	"GET /api/v1/applicants":                 everyone,
	"GET /api/v1/applicants/{id}/evaluation": everyone,
	"GET /api/v1/applicants/{id}/facts":      everyone,
	"GET /api/v1/entities/{finess}":          everyone,

	"GET /dossiers/{id}":                 everyone,
	"GET /dossiers/{id}/audits":          everyone,
	"GET /dossiers/{id}/bundle.zip":      everyone,
	"GET /dossiers/{id}/fiche.pdf":       everyone,
	"GET /dossiers/{id}/donnees/{table}": everyone,
	"GET /dossiers/{id}/donnees.xlsx":    everyone,
	"GET /dossiers/{id}/grille":          everyone,

	"GET /dossiers/{id}/rapports/ad/{ref}":         everyone,
	"GET /dossiers/{id}/rapports/exposition/{ref}": everyone,

	// Every user's own account; the token is one of the administrator's,
	// which no one else sees.
	"GET /compte":                          everyone,
	"POST /compte/mot-de-passe":            everyone,
	"POST /compte/jetons":                  everyone,
	"POST /compte/jetons/{token}/revoquer": everyone,
	// Account management.
	"GET /comptes":                        only(mAdmin),
	"POST /comptes":                       only(mAdmin),
	"POST /comptes/{login}/desactiver":    only(mAdmin),
	"POST /comptes/{login}/reactiver":     only(mAdmin),
	"POST /comptes/{login}/reinitialiser": only(mAdmin),
	"GET /dossiers/{id}/preuves":          everyone,
	"POST /dossiers/{id}/preuves":         only(writers...),
	"GET /dossiers/{id}/preuves/{file}":   everyone,

	// Audit jobs (River) and the job list; alert subscriptions belong to
	// their account.
	"GET /dossiers/{id}/taches/{job}":             everyone,
	"GET /dossiers/{id}/taches/{job}/etat":        everyone,
	"POST /dossiers/{id}/taches/{job}/annulation": only(writers...),
	"GET /taches":                     everyone,
	"GET /alertes":                    everyone,
	"POST /alertes":                   everyone,
	"POST /alertes/{sub}/suppression": {perUser: true},

	"GET /dossiers/{id}/planification":                      everyone,
	"GET /dossiers/{id}/planification/exposition/{finess}":  only(writers...),
	"POST /dossiers/{id}/planification/exposition/{finess}": only(writers...),
	"GET /dossiers/{id}/planification/ad/{dir}":             only(writers...),
	"POST /dossiers/{id}/planification/ad/{dir}":            only(writers...),

	"GET /dossiers/{id}/cycle":  only(mAdmin, mGHT, mEstab, mARS, mARSOther),
	"POST /dossiers/{id}/cycle": only(mAdmin, mGHT, mEstab, mARS, mARSOther),

	"GET /dossiers/{id}/entites/saisie":    only(mAdmin, mGHT),
	"POST /dossiers/{id}/entites/saisie":   only(mAdmin, mGHT),
	"GET /dossiers/{id}/annuaires/saisie":  only(mAdmin, mGHT),
	"POST /dossiers/{id}/annuaires/saisie": only(mAdmin, mGHT),
	"GET /dossiers/{id}/gouvernance":       only(mAdmin, mGHT, mEstab),
	"POST /dossiers/{id}/gouvernance":      only(mAdmin, mGHT, mEstab),

	"GET /dossiers/{id}/audits-ad/ads":              only(writers...),
	"POST /dossiers/{id}/audits-ad/ads":             only(writers...),
	"GET /dossiers/{id}/audits-exposition/nouveau":  only(writers...),
	"POST /dossiers/{id}/audits-exposition/nouveau": only(writers...),
	"GET /dossiers/{id}/audits/exposition":          only(writers...),
	"POST /dossiers/{id}/audits/exposition":         only(writers...),

	"GET /dossiers/{id}/annuaires/{dir}/connexion":    only(writers...),
	"POST /dossiers/{id}/annuaires/{dir}/connexion":   only(writers...),
	"POST /dossiers/{id}/annuaires/{dir}/audit":       only(writers...),
	"GET /dossiers/{id}/annuaires/{dir}/controleurs":  only(mAdmin, mGHT),
	"POST /dossiers/{id}/annuaires/{dir}/controleurs": only(mAdmin, mGHT),

	"GET /entites/{finess}":                        everyone,
	"GET /entites/{finess}/budget":                 only(writers...),
	"POST /entites/{finess}/budget":                only(writers...),
	"GET /entites/{finess}/osis":                   only(writers...),
	"POST /entites/{finess}/osis":                  only(writers...),
	"GET /entites/{finess}/exercices/nouveau":      only(writers...),
	"POST /entites/{finess}/exercices":             only(writers...),
	"GET /entites/{finess}/perimetre":              everyone,
	"POST /entites/{finess}/perimetre":             only(writers...),
	"POST /entites/{finess}/perimetre/approbation": only(mAdmin, mGHT, mARS, mARSOther),
}

// subject is one set of path values: a dossier and, inside it, an entity,
// a directory, a job, an evidence file, an AD audit and an exposure audit;
// and path values that are no record of a dossier: a table of the data
// export, an account and an API token (of the administrator).
type subject struct {
	name                       string
	id, finess, dir, job, file string
	adRef, expRef              string
	table, login, token        string
}

// TestAuthorizationMatrix walks every route of the router × every role ×
// three subjects (an establishment of the GHT, another one of the GHT, an
// establishment applying alone): anonymous users are sent to the login
// page (401 for the API); out of scope answers 404; in scope, a role the
// route is not for gets 403; otherwise the route answers (never 5xx). A
// refused request never changes the data (the data version stays).
func TestAuthorizationMatrix(t *testing.T) {
	e := newEvidenceEnvWith(t, store.Config{}, Config{AllowPrivateTargets: true},
		func(st *store.Store, c *Config) { c.Jobs = openJobs(t, st, nil) })
	ctx := context.Background()
	if err := CreateUser(ctx, e.st, mARSOther, RoleARS, "Île-de-France", "ars-idf-mot-de-passe", "test", cheapArgon2); err != nil {
		t.Fatal(err)
	}
	e.accounts[mARSOther] = "ars-idf-mot-de-passe"

	// Every route is in the table, every table entry is a route.
	for _, p := range e.server.patterns {
		if _, ok := routePolicies[p]; !ok {
			t.Errorf("route %q has no entry in routePolicies: say who may use it", p)
		}
	}
	for p := range routePolicies {
		if !slices.Contains(e.server.patterns, p) {
			t.Errorf("routePolicies lists %q, which the router does not serve", p)
		}
	}

	subjects := matrixSubjects(t, e)
	// sees[role][subject] lists the path values the role may see.
	all := "id finess dir job file adref expref login"
	sees := map[string]map[string]string{
		mAdmin:    {"ght": all + " token", "gh2": all + " token", "alone": all + " token"},
		mGHT:      {"ght": all, "gh2": all, "alone": "login"},
		mARS:      {"ght": all, "gh2": all, "alone": "login"},
		mAuditor:  {"ght": all, "gh2": all, "alone": "login"},
		mPartial:  {"ght": all, "gh2": "id login", "alone": "login"},
		mEstab:    {"ght": "login", "gh2": "login", "alone": all},
		mARSOther: {"ght": "login", "gh2": "login", "alone": all},
	}
	sessions := map[string]*client{}
	session := func(role string) *client {
		if sessions[role] == nil {
			sessions[role] = e.login(role)
		}
		return sessions[role]
	}
	anon := e.anonymous()
	for _, pattern := range e.server.patterns {
		pol := routePolicies[pattern]
		method, path, _ := strings.Cut(pattern, " ")
		if pol.public || strings.Contains(path, "/static/") {
			continue
		}
		kinds := pathKinds(path)
		subs := subjects
		if len(kinds) == 0 {
			subs = subjects[:1]
		}
		for _, sub := range subs {
			target := fillPath(path, sub)
			// Anonymous: never served.
			resp, _ := anon.do(method, target, strings.NewReader(""), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			api := strings.HasPrefix(path, "/api/")
			if (api && resp.StatusCode != http.StatusUnauthorized) || (!api && !(resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/connexion"))) {
				t.Errorf("anonymous %s %s: %d %s", method, target, resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, role := range matrixRoles {
				inScope := true
				for _, k := range kinds {
					inScope = inScope && strings.Contains(sees[role][sub.name], k)
				}
				allowed := pol.roles == nil || slices.Contains(pol.roles, role)
				c := session(role)
				before, _ := e.st.DataVersion(ctx)
				code := matrixRequest(t, e, c, method, target)
				after, _ := e.st.DataVersion(ctx)
				where := method + " " + target + " as " + role
				switch {
				case pol.perUser:
					if code != http.StatusNotFound {
						t.Errorf("%s (someone else's or no resource): %d, want 404", where, code)
					}
				case !inScope:
					if code != http.StatusNotFound {
						t.Errorf("%s (out of scope): %d, want 404", where, code)
					}
				case !allowed:
					if code != http.StatusForbidden {
						t.Errorf("%s (not this role's): %d, want 403", where, code)
					}
				default:
					if code == http.StatusForbidden || code == http.StatusNotFound || code == http.StatusUnauthorized || code >= 500 {
						t.Errorf("%s (allowed): %d", where, code)
					}
				}
				if (!inScope || !allowed || pol.perUser) && after != before {
					t.Errorf("%s: refused, yet the data changed (version %d → %d)", where, before, after)
				}
				if strings.HasPrefix(path, "/deconnexion") {
					sessions[role] = nil // logged out: a new session for the next route
				}
			}
		}
	}
}

// pathKinds lists the scoped path values a route pattern takes ({ref} is
// an AD or an exposure audit, by the route; {table} is in scope with its
// dossier).
func pathKinds(path string) []string {
	var out []string
	for _, k := range []string{"id", "finess", "dir", "job", "file", "login", "token"} {
		if strings.Contains(path, "{"+k+"}") {
			out = append(out, k)
		}
	}
	if strings.Contains(path, "{ref}") {
		out = append(out, refKind(path))
	}
	return out
}

// refKind is the kind of audit a {ref} path value names.
func refKind(path string) string {
	if strings.Contains(path, "/rapports/ad/") {
		return "adref"
	}
	return "expref"
}

func fillPath(path string, s subject) string {
	ref := s.expRef
	if refKind(path) == "adref" {
		ref = s.adRef
	}
	r := strings.NewReplacer("{id}", s.id, "{finess}", s.finess, "{dir}", s.dir, "{job}", s.job, "{file}", s.file, "{ref}", ref,
		"{table}", s.table, "{login}", s.login, "{token}", s.token, "{$}", "")
	return r.Replace(path)
}

// matrixRequest sends one request with the client's session; a POST
// carries the session's CSRF token and nothing else.
func matrixRequest(t *testing.T, e *env, c *client, method, target string) int {
	t.Helper()
	if strings.HasPrefix(target, "/api/") {
		// The API accepts a browser session for GET: the same scope rules.
		resp, _ := c.get(target)
		return resp.StatusCode
	}
	if method == http.MethodGet {
		resp, _ := c.get(target)
		return resp.StatusCode
	}
	_, page := c.get("/")
	resp, _ := c.post(target, url.Values{"csrf": {csrfOf(t, page)}})
	return resp.StatusCode
}

// matrixSubjects prepares three subjects: Valmont and Rivebelle in the
// GHT dossier, the clinic applying alone; each with a directory, a job
// and an evidence file.
func matrixSubjects(t *testing.T, e *env) []subject {
	t.Helper()
	ctx := context.Background()
	if _, err := e.st.RecordDirectory(ctx, "750000010", care.Directory{ID: "ad-clinique", Name: "clinique.lan",
		Entities: []org.FINESS{"750000010"}}, "test"); err != nil {
		t.Fatal(err)
	}
	// An account the administrator disables, enables and resets, and a
	// token of the administrator's.
	if err := CreateUser(ctx, e.st, "compte-matrice", RoleEstablishment, "010000065", "compte-matrice-mot-de-passe", "test", cheapArgon2); err != nil {
		t.Fatal(err)
	}
	if _, err := IssueAPIToken(ctx, e.st, mAdmin, "matrice", "test"); err != nil {
		t.Fatal(err)
	}
	toks, err := e.st.APITokens(ctx, mAdmin)
	if err != nil || len(toks) == 0 {
		t.Fatalf("tokens: %v", err)
	}
	token := strconv.FormatInt(toks[0].ID, 10)
	// Audits of Rivebelle alone and of the clinic (the demo has Valmont's).
	actx := store.WithActor(ctx, "test")
	if _, err := e.st.SaveExposureAudit(actx, care.ExposureAudit{ID: "matrice-exp-rivebelle", Entities: []org.FINESS{"010000040"},
		Date: civil.Date{Year: 2025, Month: 5, Day: 2}, CompletePerimeter: true, Source: care.SourceSILENE, Counts: &care.Counts{}}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SaveExposureAudit(actx, care.ExposureAudit{ID: "matrice-exp-clinique", Entities: []org.FINESS{"750000010"},
		Date: civil.Date{Year: 2025, Month: 5, Day: 2}, CompletePerimeter: true, Source: care.SourceSILENE, Counts: &care.Counts{}}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SaveADAudit(actx, care.ADAudit{ID: "matrice-ad-clinique", Directory: "ad-clinique", Date: civil.Date{Year: 2025, Month: 5, Day: 2},
		Level: 3, Source: care.SourceADS}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	mk := func(name, id, finess, dir, adRef, expRef string) subject {
		j, err := e.server.jobs.EnqueueExposure(ctx, jobs.ExposureRequest{Applicant: id, Entities: []org.FINESS{org.FINESS(finess)},
			Perimeter: jobs.ApprovedRef(org.FINESS(finess)), By: "test"})
		if err != nil {
			t.Fatal(err)
		}
		f, err := e.st.SaveEvidenceFile(ctx, store.EvidenceFile{Applicant: id, Target: "objectif:D1.O3", Entity: finess,
			Name: "cr.txt", ContentType: "text/plain; charset=utf-8", UploadedBy: "test"}, []byte("compte rendu\n"))
		if err != nil {
			t.Fatal(err)
		}
		return subject{name: name, id: id, finess: finess, dir: dir, job: strconv.FormatInt(j, 10), file: f, adRef: adRef, expRef: expRef,
			table: "resultats.csv", login: "compte-matrice", token: token}
	}
	return []subject{
		mk("ght", "CVL-99", "010000016", "ad-valmont", "vigie-demo-ad-2", "vigie-demo-exposition-2"),
		mk("gh2", "CVL-99", "010000040", "ad-rivebelle", "ad-rivebelle:2025-03-01", "matrice-exp-rivebelle"),
		mk("alone", "750000010", "750000010", "ad-clinique", "matrice-ad-clinique", "matrice-exp-clinique"),
	}
}
