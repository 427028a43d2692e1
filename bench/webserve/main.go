// Command webserve runs the web application on loopback with the demo GHT
// (and optionally a generated national-scale set) for bench/web.sh and
// bench/web-national.sh: it prints the address, an admin API token, session
// cookies of an administrator, an ARS, the largest GHT's referent and an
// establishment, and the sessions of establishments that write during the
// mixed run (cookie, form token, site), then serves until interrupted. Not
// part of the product.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"syscall"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/french"
	"vigie/internal/store"
	"vigie/internal/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "webserve :", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:0", "adresse d'écoute (boucle locale)")
	national := flag.Int("national", 0, "établissements générés en plus du GHT de démonstration")
	cpuProfile := flag.String("cpuprofile", "", "écrire un profil CPU dans ce fichier (go tool pprof)")
	dsn := flag.String("dsn", "", "base à utiliser (postgres://… ; défaut : un fichier SQLite temporaire)")
	writers := flag.Int("writers", 20, "comptes d'établissements qui écrivent pendant la mesure mixte")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	dir, err := os.MkdirTemp("", "vigie-bench-web-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *dsn == "" {
		*dsn = "sqlite:" + dir + "/vigie.db"
	}
	st, err := store.Open(ctx, store.Config{DSN: *dsn})
	if err != nil {
		return err
	}
	defer st.Close()
	accounts, err := web.SetupDemo(ctx, st, web.DefaultArgon2())
	if err != nil {
		return err
	}
	largestGHT, ghtRegion := "", ""
	var privates []care.Facts // applicants outside a GHT, for the writers
	if *national > 0 {
		// The generator's FINESS numbers may collide with the demo's: such
		// applicants are refused by the store and skipped.
		skipped, biggest := 0, 0
		for _, f := range demo.National(1, *national, civil.MustParse("2025-06-15")) {
			stats, err := st.ImportFacts(ctx, f, "bench")
			if err != nil {
				skipped++
				continue
			}
			if f.GHT != nil && len(f.Entities) > biggest {
				biggest, largestGHT, ghtRegion = len(f.Entities), stats.Applicant, f.GHT.Region
			}
			if f.GHT == nil {
				privates = append(privates, f)
			}
		}
		fmt.Fprintf(os.Stderr, "webserve : %s (numéros FINESS déjà pris) ; plus grand GHT : %s (%s)\n", french.Plural(skipped, "candidat généré ignoré", "candidats générés ignorés"), largestGHT, french.Plural(biggest, "entité", "entités"))
	}
	token, err := web.IssueAPIToken(ctx, st, "admin", "bench", "bench")
	if err != nil {
		return err
	}
	// One account per role on the generated data, and *writers* clinics
	// whose users record exercises during the mixed run.
	const pw = "mot-de-passe-de-mesure"
	cheap := web.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1} // the bench measures pages, not logins
	type account struct{ login, role, scope string }
	accs := []account{}
	if largestGHT != "" {
		accs = append(accs, account{"bench-ars", string(web.RoleARS), ghtRegion}, account{"bench-ght", string(web.RoleGHT), largestGHT})
	}
	var writerEG []string
	for i, f := range privates {
		if i >= *writers+1 {
			break
		}
		ej, eg := f.Entities[0].FINESS, f.Entities[1].FINESS
		accs = append(accs, account{fmt.Sprintf("bench-rssi-%d", i), string(web.RoleEstablishment), string(ej)})
		writerEG = append(writerEG, string(eg))
	}
	for _, a := range accs {
		role, _ := web.ParseRole(a.role)
		if err := web.CreateUser(ctx, st, a.login, role, a.scope, pw, "bench", cheap); err != nil {
			return err
		}
	}
	srv, err := web.New(web.Config{Store: st})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, ln, srv.Handler(), "", "", nil) }()
	cookie, _, err := login(base, "admin", accounts[0].Password)
	if err != nil {
		return err
	}
	// Warm-up: the first national grid loads every dossier.
	t0 := time.Now()
	if err := get(base+"/?at=2025-06-15", cookie); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "webserve : première grille nationale en %.1f s\n", time.Since(t0).Seconds())
	fmt.Printf("URL=%s\nTOKEN=%s\nGHT=%s\nREGION=%s\n", base, token, largestGHT, ghtRegion)
	for _, a := range accs {
		c, csrf, err := login(base, a.login, pw)
		if err != nil {
			return err
		}
		switch {
		case a.login == "bench-ars":
			fmt.Printf("COOKIE_ARS=%s\n", c)
		case a.login == "bench-ght":
			fmt.Printf("COOKIE_GHT=%s\n", c)
		case a.login == "bench-rssi-0":
			fmt.Printf("COOKIE_EJ=%s\n", c)
		default:
			var n int
			fmt.Sscanf(a.login, "bench-rssi-%d", &n)
			fmt.Printf("WRITER=%s\t%s\t%s\n", c, csrf, writerEG[n])
		}
	}
	fmt.Printf("COOKIE=%s\n", cookie)
	return <-done
}

// get fetches a page with a cookie and fails unless it answers 200.
func get(u, cookie string) error {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s : statut %d", u, resp.StatusCode)
	}
	return nil
}

// login signs in through the login form and returns the session cookie
// and the session's form token.
func login(base, user, password string) (string, string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/connexion")
	if err != nil {
		return "", "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrfRe := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	m := csrfRe.FindSubmatch(page)
	if m == nil {
		return "", "", fmt.Errorf("formulaire de connexion sans jeton")
	}
	resp, err = c.PostForm(base+"/connexion", url.Values{"csrf": {string(m[1])}, "login": {user}, "password": {password}})
	if err != nil {
		return "", "", err
	}
	page, _ = io.ReadAll(resp.Body) // the home page, after the redirect
	resp.Body.Close()
	u, _ := url.Parse(base)
	for _, k := range jar.Cookies(u) {
		if k.Name == "vigie_session" {
			csrf := ""
			if m := csrfRe.FindSubmatch(page); m != nil {
				csrf = string(m[1])
			}
			return k.Name + "=" + k.Value, csrf, nil
		}
	}
	return "", "", fmt.Errorf("connexion de %s refusée (statut %d)", user, resp.StatusCode)
}
