package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/dossier"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestMain lets the test binary act as vigie itself (VIGIE_TEST_AS_VIGIE=1),
// so that the crash tests kill -9 a real « vigie serve » process.
func TestMain(m *testing.M) {
	if os.Getenv("VIGIE_TEST_AS_VIGIE") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// vigieServer is a « vigie serve --demo --data DIR » child process.
type vigieServer struct {
	t         *testing.T
	cmd       *exec.Cmd
	base      string
	passwords map[string]string
	exited    chan struct{}
}

var (
	listenRe = regexp.MustCompile(`ouvrez (http://[^/ ]+)/`)
	userRe   = regexp.MustCompile(`^  (\S+) +(\S+)  — `)
	csrfRe   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// startVigie starts the server on dir (the demo data and accounts are
// loaded, the accounts get new passwords at each start).
func startVigie(t *testing.T, dir string, extra ...string) *vigieServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--demo", "--data", dir, "--listen", "127.0.0.1:0"}, extra...)...)
	cmd.Env = append(os.Environ(), "VIGIE_TEST_AS_VIGIE=1", "XDG_DATA_HOME="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &vigieServer{t: t, cmd: cmd, passwords: map[string]string{}, exited: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if m := userRe.FindStringSubmatch(line); m != nil {
				s.passwords[m[1]] = m[2]
			}
			if m := listenRe.FindStringSubmatch(line); m != nil {
				s.base = m[1]
				close(ready)
			}
		}
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	select {
	case <-ready:
	case <-s.exited:
		t.Fatalf("vigie serve ended: %s", errb.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("vigie serve never listened: %s", errb.String())
	}
	t.Cleanup(func() { s.kill() })
	return s
}

// kill sends SIGKILL (kill -9) and waits for the process to be gone.
func (s *vigieServer) kill() {
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// client is a logged-in browser session.
func (s *vigieServer) login(user string) *http.Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := s.postForm(c, "/connexion", "/connexion", url.Values{"login": {user}, "password": {s.passwords[user]}})
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return c
}

func (s *vigieServer) csrf(c *http.Client, from string) string {
	s.t.Helper()
	resp, err := c.Get(s.base + from)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		s.t.Fatalf("%s: no CSRF token", from)
	}
	return string(m[1])
}

func (s *vigieServer) postForm(c *http.Client, from, path string, v url.Values) *http.Response {
	s.t.Helper()
	v.Set("csrf", s.csrf(c, from))
	resp, err := c.PostForm(s.base+path, v)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// bigDossier is a GHT dossier of n EJ, each with a site, an exercise, an
// oSIS and a budget: its import takes a while.
func bigDossier(t *testing.T, n int) []byte {
	t.Helper()
	finess := func(serial int) org.FINESS {
		body := fmt.Sprintf("45%06d", serial)
		k, err := org.LuhnKey(body)
		if err != nil {
			t.Fatal(err)
		}
		return org.FINESS(body + string(k))
	}
	f := &care.Facts{Wave: "D1-2024", GHT: &org.GHT{Code: "CVL-98", Name: "GHT de charge", Support: finess(1), Region: "Centre-Val de Loire"}}
	yes := true
	for i := 1; i <= n; i++ {
		ej, eg := finess(i), finess(500000+i)
		f.Entities = append(f.Entities,
			org.Entity{FINESS: ej, Kind: org.EJ, Name: fmt.Sprintf("CH de charge %d", i), LegalStatus: "13", Category: org.Public, Region: "Centre-Val de Loire"},
			org.Entity{FINESS: eg, Kind: org.EG, Name: fmt.Sprintf("Site %d", i), Parent: ej, Category: org.Public, Region: "Centre-Val de Loire"})
		f.Exercises = append(f.Exercises, care.Exercise{Entity: eg, Date: civil.MustParse("2025-03-01"), Kit: "debutant", GeneralManagement: &yes, Clinical: &yes})
		f.OSIS = append(f.OSIS, care.OSIS{Entity: ej, Year: 2024, BudgetShare: true, PriorityMeasuresAnswered: 43})
		share, fte := 2.5, 1.0
		f.Budget = append(f.Budget, care.Budget{Entity: ej, Year: 2024, DigitalSharePct: &share, SSIFTE: &fte})
	}
	var buf bytes.Buffer
	if err := dossier.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// openStore opens the data directory as vigie does.
func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	key, err := store.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// sentReader signals when its content has been read to the end (the
// upload is then fully sent).
type sentReader struct {
	r    io.Reader
	once sync.Once
	done chan struct{}
}

func (s *sentReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF {
		s.once.Do(func() { close(s.done) })
	}
	return n, err
}

// TestKillDuringImport kills -9 « vigie serve » while it imports a large
// dossier, at several moments after the upload is sent (the server then
// parses it and writes it in one transaction, which takes seconds): after
// a restart the dossier is either absent or whole, never half-written,
// and the server works.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	const n = 5000
	data := bigDossier(t, n)
	dir := t.TempDir()
	midway := 0
	for attempt, delay := range []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 1500 * time.Millisecond, 4 * time.Second, 30 * time.Second} {
		s := startVigie(t, dir)
		c := s.login("admin")
		tok := s.csrf(c, "/import")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", tok)
		fw, _ := mw.CreateFormFile("dossier", "charge.json")
		fw.Write(data)
		mw.Close()
		sent := &sentReader{r: &body, done: make(chan struct{})}
		req, _ := http.NewRequest(http.MethodPost, s.base+"/import", sent)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		answer := make(chan bool, 1)
		go func() {
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			answer <- err == nil && resp.StatusCode == http.StatusOK
		}()
		<-sent.done
		start := time.Now()
		answered := false
		select {
		case answered = <-answer:
			t.Logf("attempt %d: import answered in %v, before the kill", attempt, time.Since(start))
		case <-time.After(delay):
		}
		s.kill()
		if !answered {
			answered = <-answer
		}
		if !answered {
			midway++
		}
		st := openStore(t, dir)
		f, err := st.LoadFacts(context.Background(), "CVL-98")
		st.Close()
		switch {
		case err != nil && !strings.Contains(err.Error(), "introuvable") && !isNotFound(err):
			t.Fatalf("attempt %d: %v", attempt, err)
		case err == nil && (len(f.Entities) != 2*n || len(f.Exercises) != n || len(f.OSIS) != n || len(f.Budget) != n):
			t.Fatalf("attempt %d: half-written dossier: %d entities, %d exercises, %d oSIS, %d budgets",
				attempt, len(f.Entities), len(f.Exercises), len(f.OSIS), len(f.Budget))
		case err == nil:
			t.Logf("attempt %d (kill after %v): dossier whole (answered: %v)", attempt, delay, answered)
		default:
			t.Logf("attempt %d (kill after %v): dossier absent", attempt, delay)
		}
		if err == nil {
			break // imported: further attempts would only re-import
		}
	}
	if midway == 0 {
		t.Error("no kill landed before the import answered: make the dossier bigger")
	}
	// The server starts again on the data and serves the dossier.
	s := startVigie(t, dir)
	c := s.login("admin")
	if resp, err := c.Get(s.base + "/dossiers/CVL-99"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("server after the crashes: %v %v", resp, err)
	}
}

func isNotFound(err error) bool {
	return err != nil && strings.Contains(err.Error(), store.ErrNotFound.Error())
}

// TestKillDuringAuditJob kills -9 « vigie serve » while an exposure audit
// job runs in it (its target answers nothing, so the probes wait): the
// audit job is River's, so after a restart the job is rescued and run
// again (attempt 2, by the new process), and its audit is stored exactly
// once, complete. The job timeout stays long (10 min): the job is taken
// over because its process stopped showing signs of life, within the
// rescue delay (shortened to 8 s for the test), not because time ran out.
func TestKillDuringAuditJob(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and stay silent: every probe waits for its timeout
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, h := range held {
					h.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	flags := []string{"--allow-private-targets", "--job-timeout", "10m", "--rescue-after", "8s", "--poll-interval", "200ms"}
	s := startVigie(t, dir, flags...)
	own := s.login("rssi-valmont")
	if resp := s.postForm(own, "/entites/010000016/perimetre", "/entites/010000016/perimetre", url.Values{"perimetre": {"net 127.0.0.1/32"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("perimeter: %d", resp.StatusCode)
	}
	ref := s.login("referent-ght")
	if resp := s.postForm(ref, "/entites/010000016/perimetre", "/entites/010000016/perimetre/approbation", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval: %d", resp.StatusCode)
	}
	resp := s.postForm(ref, "/dossiers/CVL-99/audits/exposition", "/dossiers/CVL-99/audits/exposition", url.Values{"entite": {"010000016"}, "ports": {fmt.Sprint(port)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("launch: %d", resp.StatusCode)
	}
	jobPath := resp.Header.Get("Location")
	state := func(s *vigieServer, c *http.Client) map[string]any {
		r, err := c.Get(s.base + jobPath + "/etat")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var st map[string]any
		if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	var first map[string]any
	for range 400 {
		st := state(s, ref)
		if st["state"] == "running" && st["progress"].(float64) >= 90 {
			first = st // the port scan is over, the probes wait
			break
		}
		if st["finished"] == true {
			t.Fatalf("job ended before the kill: %v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if first == nil {
		t.Fatal("the job never reached its probes")
	}
	before := countAudits(t, dir)
	s.kill()

	s2 := startVigie(t, dir, flags...)
	c := s2.login("referent-ght")
	var st map[string]any
	for deadline := time.Now().Add(150 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if st = state(s2, c); st["finished"] == true {
			break
		}
	}
	workers := fmt.Sprint(st["workers"])
	if st["state"] != "completed" || st["attempt"] != float64(2) || st["audit_id"] == "" || st["complete"] != true {
		t.Fatalf("job after kill -9 and restart: %v", st)
	}
	if w := first["workers"].([]any); len(w) != 1 || !strings.HasPrefix(workers, fmt.Sprintf("[%v ", w[0])) || len(st["workers"].([]any)) != 2 {
		t.Errorf("workers %s, want the killed process's then another", workers)
	}
	if after := countAudits(t, dir); after != before+1 {
		t.Errorf("exposure audits %d → %d: want exactly one stored by the retried job", before, after)
	}
}

func countAudits(t *testing.T, dir string) int {
	t.Helper()
	st := openStore(t, dir)
	defer st.Close()
	f, err := st.LoadFacts(context.Background(), "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range f.ExposureAudits {
		if a.Source == care.SourceVigie {
			n++
		}
	}
	return n
}

// TestServeWithoutWorkers runs « vigie serve --workers 0 » and a separate
// « vigie worker » process on the same data: an exposure audit launched
// from the web is run by the worker (named in the job's attempts) and
// stored once.
func TestServeWithoutWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // an SSH-like banner: the probes identify it at once
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
			c.Close()
		}
	}()
	dir := t.TempDir()
	s := startVigie(t, dir, "--allow-private-targets", "--workers", "0")
	w := exec.Command(os.Args[0], "worker", "--data", dir, "--id", "exécutant-externe", "--queues", "exposure=1", "--poll-interval", "200ms", "--allow-private-targets")
	w.Env = append(os.Environ(), "VIGIE_TEST_AS_VIGIE=1", "XDG_DATA_HOME="+dir)
	var werr bytes.Buffer
	w.Stderr = &werr
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		w.Process.Signal(syscall.SIGTERM)
		w.Wait()
		if t.Failed() {
			t.Logf("worker:\n%s", werr.String())
		}
	}()
	own := s.login("rssi-valmont")
	if resp := s.postForm(own, "/entites/010000016/perimetre", "/entites/010000016/perimetre", url.Values{"perimetre": {"net 127.0.0.1/32"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("perimeter: %d", resp.StatusCode)
	}
	ref := s.login("referent-ght")
	if resp := s.postForm(ref, "/entites/010000016/perimetre", "/entites/010000016/perimetre/approbation", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval: %d", resp.StatusCode)
	}
	before := countAudits(t, dir)
	resp := s.postForm(ref, "/dossiers/CVL-99/audits/exposition", "/dossiers/CVL-99/audits/exposition",
		url.Values{"entite": {"010000016"}, "ports": {fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("launch: %d", resp.StatusCode)
	}
	jobPath := resp.Header.Get("Location")
	var st map[string]any
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		r, err := ref.Get(s.base + jobPath + "/etat")
		if err != nil {
			t.Fatal(err)
		}
		st = nil
		json.NewDecoder(r.Body).Decode(&st)
		r.Body.Close()
		if st["finished"] == true {
			break
		}
	}
	if st["state"] != "completed" || fmt.Sprint(st["workers"]) != "[exécutant-externe]" || st["audit_id"] == "" {
		t.Fatalf("job run by the separate worker: %v", st)
	}
	if after := countAudits(t, dir); after != before+1 {
		t.Errorf("exposure audits %d → %d", before, after)
	}
}
