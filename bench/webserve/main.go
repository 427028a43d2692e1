// Command webserve runs the web application on loopback with the demo GHT
// (and optionally a generated national-scale set) for bench/web.sh: it
// prints the address, an admin API token and an admin session cookie, then
// serves until interrupted. Not part of the product.
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

	"vigie/internal/civil"
	"vigie/internal/demo"
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
	largestGHT := ""
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
				biggest, largestGHT = len(f.Entities), stats.Applicant
			}
		}
		fmt.Fprintf(os.Stderr, "webserve : %d candidat(s) générés ignorés (numéros FINESS déjà pris) ; plus grand GHT : %s (%d entités)\n", skipped, largestGHT, biggest)
	}
	token, err := web.IssueAPIToken(ctx, st, "admin", "bench", "bench")
	if err != nil {
		return err
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
	cookie, err := login(base, "admin", accounts[0].Password)
	if err != nil {
		return err
	}
	fmt.Printf("URL=%s\nTOKEN=%s\nGHT=%s\nCOOKIE=%s\n", base, token, largestGHT, cookie)
	return <-done
}

// login signs in through the login form and returns the session cookie.
func login(base, user, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/connexion")
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("formulaire de connexion sans jeton")
	}
	resp, err = c.PostForm(base+"/connexion", url.Values{"csrf": {string(m[1])}, "login": {user}, "password": {password}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	for _, k := range jar.Cookies(u) {
		if k.Name == "vigie_session" {
			return k.Name + "=" + k.Value, nil
		}
	}
	return "", fmt.Errorf("connexion refusée (statut %d)", resp.StatusCode)
}
