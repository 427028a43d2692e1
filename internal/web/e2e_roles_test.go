package web

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/internal/demo"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/testenv"
)

// e2eStop is one page a role visits: what must show, what it must say.
type e2eStop struct {
	name, path string
	visible    string   // CSS selector that must be visible
	says       []string // texts the main content must hold
}

// TestEndToEndRoles logs in as each role in headless Chromium, on the
// demonstration server (keyed store: the demo's full audit reports are
// there; pages default to the demo data's date), and walks its home, a
// dossier, the audit pages and its account and trail pages, at 1400 and
// 390 pixels wide: each page must show its content and never scroll
// sideways. Screenshots go to $VIGIE_SCREENSHOTS.
func TestEndToEndRoles(t *testing.T) {
	_, err := exec.LookPath(chromiumPath)
	testenv.Need(t, err == nil, "Chromium ("+chromiumPath+", paquet Debian chromium)")
	e, _ := newKeyedEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The audit jobs run on River with the fake engines (loopback
	// perimeters, as a lab).
	eng := openJobs(t, e.st, &fakeEngines{})
	s, err := New(Config{Store: e.st, Now: e.clock.Now, DemoDate: demo.AsOf(), Argon2: cheapArgon2, Jobs: eng, AllowPrivateTargets: true})
	if err != nil {
		t.Fatal(err)
	}
	jobPage := finishedExposureJob(t, e, eng)
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(sctx, ln, s.Handler(), "", "", nil) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
		s.Close()
	})
	base := "http://" + ln.Addr().String()
	b := newBrowser(t, screenshotDir(t), 5*time.Minute)

	const adPage, expPage = "/dossiers/CVL-99/rapports/ad/vigie-demo-ad-2", "/dossiers/CVL-99/rapports/exposition/vigie-demo-exposition-2"
	dossier := e2eStop{"dossier", "/dossiers/CVL-99", "#objectifs", []string{"Évaluation au 15/06/2025", "Derniers audits", "Pièces justificatives"}}
	roles := []struct {
		login string
		stops []e2eStop
	}{
		{"admin", []e2eStop{
			{"accueil", "/", `#grille tr[data-dossier="CVL-99"]`, []string{"Pilotage national", "Par objectif", "Exporter la grille", "Administration"}},
			dossier,
			{"audit-ad", adPage, "#points-echec", []string{"Niveau ANSSI : 2 sur 5", "vuln_privileged_members_password", "Corrigés (1)"}},
			{"comptes", "/comptes", "#liste-comptes", []string{"Créer un compte", "rssi-valmont"}},
			{"journal", "/journal", "#journal", []string{"connexion échouée", "mot de passe incorrect"}},
		}},
		{"referent-ght", []e2eStop{
			{"accueil", "/", `#grille tr[data-entite="010000040"]`, []string{"Pilotage du GHT CVL-99", "1 action en retard", "CHS Les Tilleuls"}},
			dossier,
			{"dossier-vague-close", "/dossiers/CVL-99?at=01/09/2025", "#situation-actuelle",
				[]string{"Verdicts figés au 30/06/2025", "Dossier non déclaré", "Situation actuelle, hors vague", "rivebelle.local"}},
			{"audit-exposition", expPage, "#controle-paire", []string{"Paire non conforme", "TLS 1.0 accepté"}},
		}},
		{"rssi-valmont", []e2eStop{
			{"accueil", "/", `tr[data-objectif="D1.O3"][data-entite="010000016"]`, []string{"CH de Valmont", "Mes objectifs", "Mes derniers audits"}},
			dossier,
			{"audit-ad", adPage, "#points-echec", []string{"Niveau provisoire", "adm-dupont", "Risques acceptés"}},
			{"audit-exposition", expPage, "#controle-paire", []string{"Constats par gravité", "Bureau à distance (RDP)"}},
			{"audit-commun", "/dossiers/CVL-99/rapports/exposition/silene-2025-06", "#controle-paire",
				[]string{"Aucune vulnérabilité critique", "audit commun", "Paire conforme"}},
			{"audits", "/dossiers/CVL-99/audits", "#perimetres", []string{"Rapports d'audit", "Périmètre déclaré", "Contrôleurs déclarés", "Dernières tâches"}},
			{"taches", "/taches", "#taches", []string{"Tâches d'audit", "audit d'exposition internet", "CH de Valmont (010000016)", "terminée", "1/3"}},
			{"tache", jobPage, "#resultat", []string{"Tentative 1 sur 3", "exécutant : essai", "Audit terminé le", "Voir le rapport de l'audit"}},
			{"planification", "/dossiers/CVL-99/planification", "#calendrier", []string{"Planification des audits", "Rappels des audits officiels", "Calendrier des audits"}},
			{"alertes", "/alertes", "form.formulaire", []string{"Mes alertes", "Abonnements"}},
			{"compte", "/compte", "#nouveau", []string{"Changer de mot de passe", "Jetons d'API", "Validité, en jours"}},
		}},
		{"ars-cvl", []e2eStop{
			{"accueil", "/", `#grille tr[data-dossier="CVL-99"]`, []string{"Pilotage de la région Centre-Val de Loire", "Exporter la grille"}},
			dossier,
		}},
		{"auditeur", []e2eStop{
			{"accueil", "/", `#grille tr[data-entite="010000016"]`, []string{"Pilotage du GHT CVL-99"}},
			{"tache", jobPage, "#resultat", []string{"lancée par referent-ght", "Voir le rapport de l'audit"}},
			{"journal", "/journal", "#journal", []string{"entrées des dossiers de votre périmètre"}},
		}},
	}
	login := func(who, password string, ok bool) {
		b.run("connexion de "+who,
			chromedp.EmulateViewport(1400, 900),
			chromedp.Navigate(base+"/connexion"),
			chromedp.WaitVisible(chromedp.CSS(`#login`)),
			chromedp.SendKeys(chromedp.CSS(`#login`), who),
			chromedp.SendKeys(chromedp.CSS(`#password`), password),
			chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		)
		want := `.entete form button`
		if !ok {
			want = `#erreur-connexion`
		}
		b.run("après la connexion de "+who, chromedp.WaitVisible(chromedp.CSS(want)))
	}
	login("admin", "mauvais mot de passe", false) // shows in the trail below
	for _, role := range roles {
		login(role.login, e.accounts[role.login], true)
		banner := b.text(".bandeau-demo")
		if !strings.Contains(banner, "Données de démonstration au 15/06/2025") || !strings.Contains(banner, "Voir à la date d'aujourd'hui") {
			t.Errorf("%s: demo banner %q", role.login, banner)
		}
		for _, st := range role.stops {
			for _, width := range []int64{1400, 390} {
				name := fmt.Sprintf("%s-%s-%d", role.login, st.name, width)
				b.run(name,
					chromedp.EmulateViewport(width, 900),
					chromedp.Navigate(base+st.path),
					chromedp.WaitVisible(chromedp.CSS(st.visible)),
					b.shot(name),
				)
				main := b.text("main")
				for _, want := range st.says {
					if !strings.Contains(main, want) {
						t.Errorf("%s: page lacks %q", name, want)
					}
				}
				over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](
					`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth`))
				if err != nil || over > 0 {
					t.Errorf("%s: the page scrolls sideways by %d px (%v)", name, over, err)
				}
			}
		}
		if role.login == "rssi-valmont" {
			// The establishment sees its own part of the GHT dossier only.
			b.run("dossier vu par l'établissement", chromedp.Navigate(base+"/dossiers/CVL-99"), chromedp.WaitVisible(chromedp.CSS("#objectifs")))
			n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-entite="010000040"], [data-entite="010000065"]').length`))
			if err != nil || n != 0 {
				t.Errorf("the establishment's dossier page shows %d results of other establishments (%v)", n, err)
			}
		}
		b.run("déconnexion de "+role.login,
			chromedp.EmulateViewport(1400, 900),
			chromedp.Navigate(base+"/"),
			chromedp.Click(chromedp.CSS(`.entete form button`)),
			chromedp.WaitVisible(chromedp.CSS(`#login`)),
		)
	}
	t.Logf("captures d'écran : %s", b.shots)
}

// finishedExposureJob approves a loopback perimeter for CH de Valmont,
// queues an exposure audit of it on River as the GHT referent and waits
// for the fake engines to finish it; it returns the job's page.
func finishedExposureJob(t *testing.T, e *env, eng *jobs.Engine) string {
	t.Helper()
	e.declarePerimeter("010000016", "net 127.0.0.0/30\n", "rssi-valmont", "referent-ght")
	ctx := context.Background()
	id, err := eng.EnqueueExposure(ctx, jobs.ExposureRequest{Applicant: "CVL-99", Entities: []org.FINESS{"010000016"},
		Perimeter: jobs.ApprovedRef("010000016"), Ports: "5900", By: "referent-ght"})
	if err != nil {
		t.Fatal(err)
	}
	for range 600 {
		j, err := eng.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Finished() {
			if j.State != "completed" || j.AuditID == "" {
				t.Fatalf("exposure job: %+v", j)
			}
			return fmt.Sprintf("/dossiers/CVL-99/taches/%d", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("exposure job %d never finished", id)
	return ""
}
