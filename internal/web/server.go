package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/jobs"
	"vigie/internal/store"
)

// Config is what the web application needs.
type Config struct {
	Store     *store.Store
	Catalogue *care.Catalogue // the embedded catalogue when nil
	// Now is the clock (time.Now when nil): sessions, lockouts, "today".
	Now func() time.Time
	// Logger receives request errors (discarded when nil).
	Logger *slog.Logger
	// SessionTTL is how long a session lasts (12 hours when zero).
	SessionTTL time.Duration
	// IdleTimeout ends a session after this long without a request
	// (DefaultIdleTimeout when zero; never more than SessionTTL).
	IdleTimeout time.Duration
	// Jobs is the job engine the audits launched from the UI are queued
	// on (launching is refused when nil); its workers may run in this
	// process or in « vigie worker » processes.
	Jobs *jobs.Engine
	// AllowPrivateTargets lets perimeters and exposure audits name
	// non-public addresses (loopback, RFC 1918…): for a laboratory only,
	// never the default (« vigie serve --allow-private-targets »).
	AllowPrivateTargets bool
	// MaxRunningAudits bounds the audits launched by people (not the
	// scheduler's) that are queued or running (DefaultMaxRunningAudits when
	// zero); one audit at once per entity or directory.
	MaxRunningAudits int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// gives the client's address (none: the peer address is the client's).
	TrustedProxies []netip.Prefix
	// UploadsPerWindow bounds the files an account sends per UploadWindow
	// (DefaultUploadsPerWindow when zero).
	UploadsPerWindow int
	// Location is the time zone of the dates and times shown, and of
	// "today" (DefaultTimeZone, Europe/Paris, when nil).
	Location *time.Location
	// Argon2 is the cost of the password hashes made by the account
	// pages (DefaultArgon2 when zero).
	Argon2 Argon2Params
	// DemoDate, when set, is the date pages are evaluated at when ?at= is
	// absent (the demo data's own date); a banner says so, with a link to
	// today.
	DemoDate civil.Date
}

// DefaultMaxRunningAudits is the server-wide bound of audits at once.
const DefaultMaxRunningAudits = 4

// Server serves the pages and the API. Build it with New.
type Server struct {
	st    *store.Store
	cat   *care.Catalogue
	now   func() time.Time
	log   *slog.Logger
	ttl   time.Duration
	idle  time.Duration // idle timeout of sessions
	loc   *time.Location
	demo  civil.Date
	argon Argon2Params
	pages map[string]*template.Template
	// dummyHash is verified when a login is unknown, so that timing does
	// not tell which logins exist.
	dummyHash string
	mux       *http.ServeMux
	// jobs queues and shows the audit jobs (nil: launching is refused).
	jobs  *jobs.Engine
	cache dataCache // facts and evaluations by dossier version (cache.go)
	// versions follows which dossiers each write touched (versions.go).
	versions store.VersionTracker
	// scopes caches establishment scopes per data version (scope_cache.go).
	scopes scopeCache
	// national holds every dossier's facts and grid rows (national.go).
	national nationalIndex
	// columns are the objectives of the grids, columnPos their positions.
	columns   []care.Objective
	columnPos map[string]int
	// allowPrivate and jobLimits: see Config.
	allowPrivate bool
	jobLimits    jobs.Limits
	uploads      *windowLimiter // upload rate per account (upload_limit.go)
	proxies      []netip.Prefix // trusted reverse proxies (ratelimit.go)
	// patterns lists every registered route (the authorization matrix
	// test walks them all).
	patterns []string
}

// New builds the server: parses the templates and registers the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("serveur web : aucune base configurée")
	}
	s := &Server{st: cfg.Store, cat: cfg.Catalogue, now: cfg.Now, log: cfg.Logger, ttl: cfg.SessionTTL, jobs: cfg.Jobs,
		allowPrivate: cfg.AllowPrivateTargets, jobLimits: jobs.Limits{PerSubject: 1, Launched: cmp.Or(cfg.MaxRunningAudits, DefaultMaxRunningAudits)},
		uploads: newWindowLimiter(cmp.Or(cfg.UploadsPerWindow, DefaultUploadsPerWindow), UploadWindow), proxies: cfg.TrustedProxies,
		loc: cfg.Location, demo: cfg.DemoDate, argon: cfg.Argon2}
	if s.argon == (Argon2Params{}) {
		s.argon = DefaultArgon2()
	}
	if s.loc == nil {
		s.loc = parisZone()
	}
	if s.cat == nil {
		c, err := care.DefaultCatalogue()
		if err != nil {
			return nil, fmt.Errorf("catalogue : %w", err)
		}
		s.cat = c
	}
	s.columns, s.columnPos = gridColumns(s.cat)
	s.cache.init()
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.ttl <= 0 {
		s.ttl = 12 * time.Hour
	}
	s.idle = min(cmp.Or(cfg.IdleTimeout, DefaultIdleTimeout), s.ttl)
	pages, err := parsePages(s.loc)
	if err != nil {
		return nil, err
	}
	s.pages = pages
	if err := s.initAudits(); err != nil {
		return nil, err
	}
	if err := s.initSecurityPages(); err != nil {
		return nil, err
	}
	if s.dummyHash, err = HashPassword("vigie-compte-inexistant", DefaultArgon2()); err != nil {
		return nil, err
	}
	s.mux = s.routes()
	return s, nil
}

// Handler returns the HTTP handler of the application.
func (s *Server) Handler() http.Handler { return securityHeaders(s.mux) }

// routes registers every page and API call. Each handler goes through
// s.page (session required) or s.api (token or session required), which
// resolve the user's scope once; resource handlers then call loadEntity or
// loadApplicantView, the only two doors to data.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	methods := map[string][]string{} // path → methods, for the French 405
	handle := func(pattern string, h http.Handler) {
		method, path, _ := strings.Cut(pattern, " ")
		methods[path] = append(methods[path], method)
		s.patterns = append(s.patterns, pattern)
		m.Handle(pattern, h)
	}
	handle("GET /static/", staticHandler())
	handle("GET /sante", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	}))
	handle("GET /favicon.ico", http.NotFoundHandler())
	handle("GET /connexion", http.HandlerFunc(s.loginForm))
	handle("POST /connexion", http.HandlerFunc(s.loginSubmit))
	handle("POST /deconnexion", s.page(s.logout))
	handle("POST /deconnexion-partout", s.page(s.logoutAll))
	handle("GET /{$}", s.page(s.homePage))
	handle("GET /pilotage.csv", s.page(s.gridExport("csv")))
	handle("GET /pilotage.xlsx", s.page(s.gridExport("xlsx")))
	handle("GET /dossiers/{id}", s.page(s.dossierPage))
	handle("GET /dossiers/{id}/grille", s.page(s.entityGridPage))
	handle("GET /entites/{finess}", s.page(s.entityPage))
	handle("GET /entites/{finess}/exercices/nouveau", s.page(s.exerciseForm))
	handle("POST /entites/{finess}/exercices", s.page(s.exerciseSubmit))
	handle("GET /entites/{finess}/budget", s.page(s.budgetHandler()))
	handle("POST /entites/{finess}/budget", s.page(s.budgetHandler()))
	handle("GET /entites/{finess}/osis", s.page(s.osisHandler()))
	handle("POST /entites/{finess}/osis", s.page(s.osisHandler()))
	handle("GET /journal", s.page(s.trailPage))
	handle("GET /journal.csv", s.page(s.trailCSV))
	handle("GET /import", s.page(s.importForm))
	handle("POST /import", s.pageUpload(s.importSubmit, maxUploadBytes))
	handle("GET /api/v1/applicants", s.api(s.apiApplicants))
	handle("GET /api/v1/applicants/{id}/evaluation", s.api(s.apiEvaluation))
	handle("GET /api/v1/applicants/{id}/facts", s.api(s.apiFacts)) // api_records.go
	handle("GET /api/v1/entities/{finess}", s.api(s.apiEntity))
	s.evidenceRoutes(handle) // evidence files and declaration bundle, see evidence.go
	s.auditRoutes(handle)
	s.auditReportRoutes(handle) // audit pages: audit_reports.go, audit_exposure_report.go
	s.accountRoutes(handle)     // own account, account management: accounts_pages.go
	s.stepRoutes(handle)        // dossier life: steps.go
	s.recordRoutes(handle)      // ADS results, exposure audits, entities, FINESS extraction: records_*.go
	s.perimeterRoutes(handle)   // declared exposure perimeters and their approval: perimeter.go
	s.controllerRoutes(handle)  // declared domain controllers: controllers.go
	for path, ms := range methods {
		if path == "/{$}" {
			continue // the "/" catch-all below answers
		}
		m.Handle(path, methodNotAllowed(ms))
	}
	m.Handle("/api/", s.api(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return &httpError{Status: http.StatusNotFound, Msg: "point d'accès inconnu"}
	}))
	m.Handle("/", s.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return errOutOfScope
	}))
	return m
}

// methodNotAllowed answers a known path called with another method, in French.
func methodNotAllowed(methods []string) http.Handler {
	allow := strings.Join(methods, ", ")
	if slices.Contains(methods, http.MethodGet) {
		allow += ", HEAD"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		fmt.Fprintf(w, "Méthode %s non autorisée ici (autorisées : %s).\n", r.Method, allow)
	})
}

// httpError is an error with the status and the French message to show.
type httpError struct {
	Status int
	Msg    string
}

func (e *httpError) Error() string { return e.Msg }

// request is what an authenticated handler receives.
type request struct {
	p     *Principal
	scope *scope
	// csrf is the session's form token (empty for API token calls).
	csrf string
	// sessionHash identifies the session (empty for API token calls).
	sessionHash string
}

// handlerFunc is an authenticated handler; an error is rendered by the wrapper.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rq *request) error

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// internalError logs err and returns the generic French message.
func (s *Server) internalError(r *http.Request, err error) *httpError {
	s.log.ErrorContext(r.Context(), "erreur interne", "méthode", r.Method, "chemin", r.URL.Path, "erreur", err)
	return &httpError{Status: http.StatusInternalServerError,
		Msg: "Une erreur interne est survenue. Réessayez ; si elle persiste, contactez l'administrateur de Vigie."}
}

// asHTTPError maps any error to what the user sees.
func (s *Server) asHTTPError(r *http.Request, err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	if errors.Is(err, context.Canceled) {
		return &httpError{Status: 499, Msg: "requête annulée"}
	}
	return s.internalError(r, err)
}
