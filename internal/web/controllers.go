package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	perim "vigie/internal/exposure/scope"
	"vigie/internal/store"
)

// maxControllers bounds the domain controllers declared for one directory.
const maxControllers = 50

// securityPageNames are the pages of perimeters and controllers, parsed
// with the layout like pageNames.
var securityPageNames = []string{"perimeter"}

// initSecurityPages parses the perimeter page.
func (s *Server) initSecurityPages() error {
	for _, name := range securityPageNames {
		t, err := template.New("layout.html").Funcs(templateFuncs(s.loc)).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("gabarit %s : %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// controllerRoutes registers the form declaring a directory's domain controllers.
func (s *Server) controllerRoutes(handle func(pattern string, h http.Handler)) {
	handle("GET /dossiers/{id}/annuaires/{dir}/controleurs", s.page(s.controllersHandler))
	handle("POST /dossiers/{id}/annuaires/{dir}/controleurs", s.page(s.controllersHandler))
}

// errControllersRole answers the controllers form opened by another role.
var errControllersRole = &httpError{Status: http.StatusForbidden,
	Msg: "Seuls un administrateur ou le référent du GHT déclarent les contrôleurs de domaine qu'un audit AD peut joindre."}

// controllersForm describes the declaration of a directory's controllers.
func controllersForm(v *view, dir string, hosts []string) *recForm {
	return &recForm{form: &form{
		Title: "Contrôleurs de domaine de l'annuaire " + dir,
		Intro: fmt.Sprintf("Dossier %s. Un audit AD lancé depuis Vigie ne se connecte qu'à l'un de ces contrôleurs. "+
			"Une nouvelle saisie remplace la liste ; une liste vide interdit tout audit de l'annuaire.", v.Applicant.Name),
		Action: "/dossiers/" + v.Applicant.ID + "/annuaires/" + dir + "/controleurs",
		Submit: "Enregistrer les contrôleurs",
		Fields: []*field{{Name: "controleurs", Label: "Contrôleurs de domaine", Kind: "textarea",
			Help:  fmt.Sprintf("Un nom DNS ou une adresse IP par ligne, par exemple dc1.chu-exemple.local (%d au plus).", maxControllers),
			Value: strings.Join(hosts, "\n")}},
	}, Back: "/dossiers/" + v.Applicant.ID + "/audits"}
}

// normalizeHost checks a controller's name or address and returns it in
// lower case.
func normalizeHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String(), nil
	}
	n, err := perim.NormalizeName(h)
	if err != nil {
		return "", fmt.Errorf("« %s » n'est ni un nom DNS ni une adresse IP", truncateRunes(h, 60))
	}
	return n, nil
}

// controllersHandler serves GET and POST of the controllers form.
func (s *Server) controllersHandler(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, dir, err := s.loadDirectory(r, rq)
	if err != nil {
		return err
	}
	if !rightsOf(rq.p, v).controllers() {
		return errControllersRole
	}
	dcs, err := s.st.DomainControllers(r.Context(), dir)
	if err != nil {
		return err
	}
	var hosts []string
	for _, c := range dcs {
		hosts = append(hosts, c.Host)
	}
	fm := controllersForm(v, dir, hosts)
	if r.Method == http.MethodGet {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	fm.fill(r.PostForm.Get)
	x := fm.get("controleurs")
	hosts = nil
	for _, line := range strings.Split(x.Value, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		h, err := normalizeHost(line)
		if err != nil {
			x.Err = err.Error()
			break
		}
		hosts = append(hosts, h)
	}
	if len(hosts) > maxControllers {
		x.Err = fmt.Sprintf("%d contrôleurs au plus", maxControllers)
	}
	if x.Err != "" {
		s.renderRec(w, r, rq, fm)
		return nil
	}
	if err := s.st.SetDomainControllers(store.WithActor(r.Context(), rq.p.Login), v.Applicant.ID, dir, hosts, rq.p.Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/dossiers/"+v.Applicant.ID+"/audits?enregistre=controleurs", http.StatusSeeOther)
	return nil
}

// errUndeclaredController answers a connection to a host that is not a
// declared controller of the directory.
func errUndeclaredController(dir, host string) error {
	return fmt.Errorf("le contrôleur %s n'est pas déclaré pour l'annuaire %s : un administrateur ou le référent du GHT doit le déclarer avant tout audit", host, dir)
}

// declaredController checks that host is a declared controller of dir and
// returns the declared ones.
func (s *Server) declaredController(ctx context.Context, dir, host string) (bool, []string, error) {
	dcs, err := s.st.DomainControllers(ctx, dir)
	if err != nil {
		return false, nil, err
	}
	var hosts []string
	for _, c := range dcs {
		hosts = append(hosts, c.Host)
	}
	h, err := normalizeHost(host)
	if err != nil {
		return false, hosts, nil
	}
	return slices.Contains(hosts, h), hosts, nil
}
