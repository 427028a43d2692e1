package web

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/internal/testenv"
)

// chromiumPath is where Debian installs Chromium.
const chromiumPath = "/usr/bin/chromium"

// screenshotDir is where the end-to-end test saves its PNG screenshots:
// $VIGIE_SCREENSHOTS, else a temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("VIGIE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestEndToEndChromium drives the application in headless Chromium: an
// establishment user logs in, opens the dossier, records a crisis exercise
// for its entity whose D1.O3 is not met, sees it become met, and cannot open
// another establishment's page.
func TestEndToEndChromium(t *testing.T) {
	_, err := exec.LookPath(chromiumPath)
	testenv.Need(t, err == nil, "Chromium ("+chromiumPath+", paquet Debian chromium)")
	e := newEnv(t)
	if got := e.d1o3("010000040"); got == "met" {
		t.Fatalf("precondition: D1.O3 of CH de Rivebelle already met")
	}

	// A second server through Serve, on a fresh loopback port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: e.st, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(sctx, ln, s.Handler(), "", "", nil) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()
	shots := screenshotDir(t)

	b := newBrowser(t, shots, 90*time.Second)
	ctx, run, text, shot := b.ctx, b.run, b.text, b.shot
	d1o3Row := `tr[data-objectif="D1.O3"][data-entite="010000040"]`

	run("page de connexion",
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#login`)),
		shot("01-connexion"),
	)
	run("connexion",
		chromedp.SendKeys(chromedp.CSS(`#login`), "rssi-rivebelle"),
		chromedp.SendKeys(chromedp.CSS(`#password`), e.accounts["rssi-rivebelle"]),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(`//h1[contains(., "CH de Rivebelle")]`),
		shot("02-accueil"),
	)
	// Keyboard: the first Tab from the top of a page reaches the skip link.
	run("tabulation", chromedp.KeyEvent("\t"))
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.textContent`)); err != nil || got != "Aller au contenu" {
		t.Errorf("first Tab focuses %q (%v), want the skip link « Aller au contenu »", got, err)
	}
	run("tableau de bord",
		chromedp.Click(chromedp.CSS(`main a[href="/dossiers/CVL-99"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#objectifs`)),
		chromedp.Navigate(base+"/dossiers/CVL-99?at="+demoAt),
		chromedp.WaitVisible(chromedp.CSS(d1o3Row)),
		shot("03-tableau-de-bord"),
	)
	if got := text(d1o3Row); !strings.Contains(got, "non atteint") {
		t.Fatalf("D1.O3 of CH de Rivebelle before the exercise: %q, want « non atteint »", got)
	}
	foreign, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-entite="010000016"], [data-entite="010000065"], [data-entite="ad-valmont"]').length`))
	if err != nil || foreign != 0 {
		t.Errorf("the establishment's dashboard shows %d results of other establishments (%v)", foreign, err)
	}
	run("formulaire d'exercice",
		chromedp.Click(chromedp.CSS(d1o3Row+` a`)),
		chromedp.WaitVisible(chromedp.CSS(`#exercices`)),
		chromedp.Click(chromedp.CSS(`a.bouton`)),
		chromedp.WaitVisible(chromedp.CSS(`#scenario`)),
		shot("04-formulaire-exercice"),
		chromedp.Click(chromedp.CSS(`form.formulaire button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)),
		shot("05-formulaire-erreurs"),
	)
	if got := text("#erreurs"); !strings.Contains(got, "Date de l'exercice") || !strings.Contains(got, "Scénario") {
		t.Errorf("error summary does not name the fields: %q", got)
	}
	run("enregistrement de l'exercice",
		chromedp.SetValue(chromedp.CSS(`#date`), "2025-06-10"),
		chromedp.SetValue(chromedp.CSS(`#kit`), "confirme"),
		chromedp.SendKeys(chromedp.CSS(`#scenario`), "Rançongiciel sur le DPI, bascule en mode dégradé"),
		chromedp.Click(chromedp.CSS(`#direction_generale-oui`)),
		chromedp.Click(chromedp.CSS(`#directions_metier-oui`)),
		chromedp.SetValue(chromedp.CSS(`#debriefing`), "2025-06-10"),
		chromedp.Click(chromedp.CSS(`form.formulaire button[type=submit]`)),
		chromedp.WaitVisible(`//p[contains(., "Exercice de crise enregistré")]`),
		chromedp.WaitVisible(chromedp.CSS(d1o3Row)),
		shot("06-entite-apres-exercice"),
	)
	if got := text(d1o3Row); !strings.Contains(got, "atteint") || strings.Contains(got, "non atteint") {
		t.Errorf("D1.O3 of CH de Rivebelle after the exercise: %q, want « atteint »", got)
	}
	if got := e.d1o3("010000040"); got != "met" {
		t.Errorf("stored D1.O3 of CH de Rivebelle: %s, want met", got)
	}
	run("établissement hors périmètre",
		chromedp.Navigate(base+"/entites/010000016"),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
		shot("07-hors-perimetre"),
	)
	if got := text("main"); !strings.Contains(got, "ne fait pas partie de votre périmètre") {
		t.Errorf("another establishment's page: %q", got)
	}

	// The GHT referent's full dashboard, for the screenshots.
	run("déconnexion et référent GHT",
		chromedp.Click(chromedp.CSS(`.entete form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#login`)),
		chromedp.SendKeys(chromedp.CSS(`#login`), "referent-ght"),
		chromedp.SendKeys(chromedp.CSS(`#password`), e.accounts["referent-ght"]),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(`//h1[contains(., "Pilotage du GHT")]`),
		chromedp.Navigate(base+"/dossiers/CVL-99?at="+demoAt),
		chromedp.WaitVisible(chromedp.CSS(`#entites`)),
		shot("08-tableau-de-bord-ght"),
	)
	if got := text(`tr[data-objectif="D1.O3"][data-entite="010000016"]`); !strings.Contains(got, "atteint") {
		t.Errorf("referent's D1.O3 for CH de Valmont: %q", got)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('svg.graphique > title').length`)); err != nil || n != 3 {
		t.Errorf("the GHT dashboard shows %d titled charts (%v), want 3", n, err)
	}
	run("autres pages",
		chromedp.Navigate(base+"/entites/010000065/osis?at="+demoAt),
		chromedp.WaitVisible(chromedp.CSS(`#mesure_MP01`)),
		chromedp.SendKeys(chromedp.CSS(`#annee`), "2019"),
		chromedp.Click(chromedp.CSS(`#mesure_MP01-partiel`)),
		chromedp.Click(chromedp.CSS(`form.formulaire button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#erreurs`)),
		shot("09-formulaire-osis-erreurs"),
		chromedp.Navigate(base+"/import"),
		chromedp.WaitVisible(chromedp.CSS(`#dossier`)),
		shot("10-import"),
	)
	t.Logf("captures d'écran : %s", shots)
}
