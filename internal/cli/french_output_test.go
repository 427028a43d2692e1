package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/demo"
	"vigie/internal/exposure/probe/probetest"
	"vigie/internal/french/frenchtest"
)

// The text people read — the programme tables of demo, evaluate, status
// and due, the AD and exposure reports — writes dates JJ/MM/AAAA and
// agrees its plurals: no ISO date, no « (s) » (issues 8 §6 and 10 §0).
// JSON output keeps ISO dates for machines.
func TestFrenchTextOutputs(t *testing.T) {
	t.Run("programme", func(t *testing.T) {
		dossier := filepath.Join("..", "..", "docs", "exemple-dossier.json")
		ght := writeFile(t, "ght.json", string(demo.GHTDossier()))
		data := t.TempDir()
		if code, out, errs := run(t, "import", ght, "--data", data); code != 0 {
			t.Fatalf("import: %d %s %s", code, out, errs)
		}
		checkRun(t, "import", ght, "--data", t.TempDir())
		for _, at := range []string{"2024-05-01", "2025-06-15", "30/06/2025", "2025-07-15", "01/02/2026"} {
			checkRun(t, "demo", "--at", at)
			checkRun(t, "evaluate", dossier, "--at", at)
			checkRun(t, "status", "--data", data, "--at", at)
			checkRun(t, "status", "--data", data, "--at", at, "--entity", "010000065")
			checkRun(t, "due", "--data", data, "--at", at, "--within", "400d")
		}
		checkRun(t, "demo")
		checkRun(t, "evaluate", dossier, "--brief")
		code, out, _ := run(t, "evaluate", dossier, "--at", "01/07/2025", "--format", "json")
		if code != 0 || !strings.Contains(out, `"as_of": "2025-07-01"`) {
			t.Errorf("JSON keeps ISO dates: %d %.300s", code, out)
		}
	})

	t.Run("audit AD", func(t *testing.T) {
		snap := adTestSnapshot(t, "a.snapshot.gz", func(f *adtest.Forest) {
			f.BySam("Guest").SetUAC(0x220)
			f.RODC("rodc01")
			f.ByRID(571).AddMember(f.User("agent.accueil"))
			f.ByRID(571).AddMember(f.User("agent.urgences"))
		})
		exc := writeFile(t, "exceptions.json", `[
			{"id": "vuln_guest", "dn": "*", "justification": "poste d'accueil en cours de remplacement", "expires": "2026-12-31"},
			{"id": "vuln_rodc_allowed_group", "dn": "*", "justification": "ancienne dérogation", "expires": "2026-01-15"}]`)
		out := checkRun(t, "ad", "analyze", snap, "--exceptions", exc)
		for _, want := range []string{"jusqu'au 31/12/2026", "2 membres", "(1 objet)"} {
			if !strings.Contains(out, want) {
				t.Errorf("AD text report lacks %q:\n%s", want, out)
			}
		}
		html := filepath.Join(t.TempDir(), "ad.html")
		checkRun(t, "ad", "analyze", snap, "--exceptions", exc, "--format", "html", "-o", html)
		page := readFile(t, html)
		frenchtest.CheckHTML(t, "ad analyze --format html", page)
		if !strings.Contains(page, "31/12/2026") {
			t.Errorf("AD HTML report lacks the French expiry date")
		}
	})

	t.Run("audit d'exposition", func(t *testing.T) {
		now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		vnc := fakeVNC(t)
		mongo := serveLoopback(t, "127.0.44.2:0", probetest.MongoDB(false))
		cert := expiredCert(t, "dc01.chu-test.fr", now.AddDate(0, -2, 0))
		l, err := probetest.ServeTLS("127.0.44.2:0", cert, probetest.LDAP(true))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		ldaps := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		dir := t.TempDir()
		scan := func(at time.Time, name string, ports ...string) string {
			t.Helper()
			args := []string{"exposure", "scan", "--allow-private-targets", "127.0.44.2", "--ports", strings.Join(ports, ","), "--quiet"}
			code, out, errs := runAt(t, at, args...)
			if code != 0 {
				t.Fatalf("scan: %d %s", code, errs)
			}
			frenchtest.Check(t, "exposure scan (tableau)", out)
			if errs != "" {
				frenchtest.Check(t, "exposure scan (erreur standard)", errs)
			}
			code, out, errs = runAt(t, at, append(args, "--format", "json")...)
			if code != 0 {
				t.Fatalf("scan json: %d %s", code, errs)
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		before := scan(now.AddDate(0, 0, -50), "avant.json", vnc, mongo, ldaps)
		after := scan(now, "apres.json", mongo, ldaps)
		out := checkRunAt(t, now, "exposure", "report", after, "--previous", before, "--format", "table")
		if !strings.Contains(out, "Vulnérabilités : 2 critiques, 2 élevées, 1 moyenne, 1 faible") {
			t.Errorf("exposure table report:\n%s", out)
		}
		checkRunAt(t, now, "exposure", "diff", before, after)
		html := filepath.Join(dir, "rapport.html")
		checkRunAt(t, now, "exposure", "report", after, "--previous", before, "-o", html)
		page := readFile(t, html)
		frenchtest.CheckHTML(t, "exposure report (HTML)", page)
		for _, want := range []string{"certificat expiré le " + now.AddDate(0, -2, 0).Format("02/01/2006"), "bases listées", "0 nouvelle, 2 corrigées, 7 toujours présentes", "50 jours"} {
			if !strings.Contains(page, want) {
				t.Errorf("exposure HTML report lacks %q", want)
			}
		}
	})
}

// checkRun runs vigie on 2025-06-15 and checks the French of its output.
func checkRun(t *testing.T, args ...string) string {
	t.Helper()
	return checkRunAt(t, time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC), args...)
}

// checkRunAt runs vigie at now, fails on an error exit and checks the French
// of what it printed for people.
func checkRunAt(t *testing.T, now time.Time, args ...string) string {
	t.Helper()
	code, out, errs := runAt(t, now, args...)
	if code != 0 && code != 3 {
		t.Fatalf("vigie %s: exit %d %s", strings.Join(args, " "), code, errs)
	}
	what := "vigie " + strings.Join(args, " ")
	if out != "" {
		frenchtest.Check(t, what, out)
	}
	if errs != "" {
		frenchtest.Check(t, what+" (erreur standard)", errs)
	}
	return out
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serveLoopback starts a fake service and returns its port.
func serveLoopback(t *testing.T, addr string, h probetest.Handler) string {
	t.Helper()
	l, err := probetest.Serve(addr, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// expiredCert is a self-signed certificate for name that expired at end.
func expiredCert(t *testing.T, name string, end time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: end.AddDate(-1, 0, 0), NotAfter: end}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
