package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/care"
	"vigie/internal/exposure/probe/probetest"
	"vigie/internal/store"
)

// syncBuffer is a bytes.Buffer shared by the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a running « vigie serve --demo » on a loopback port.
type served struct {
	t         *testing.T
	base      string            // http://127.0.0.1:PORT
	dir       string            // --data
	passwords map[string]string // demo accounts
	stop      func()            // stops the server and waits for it
}

var (
	listenRe   = regexp.MustCompile(`ouvrez (http://[^/ ]+)/`)
	demoUserRe = regexp.MustCompile(`(?m)^  (\S+) +(\S+)  — `)
	csrfFormRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// serveDemo runs « vigie serve --demo --data DIR --listen 127.0.0.1:0 »
// through Main, as the binary does, until the test ends.
func serveDemo(t *testing.T, extra ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb, home := &syncBuffer{}, &syncBuffer{}, t.TempDir()
	env := Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Now: time.Now,
		Getenv: func(k string) string {
			if k == "HOME" || k == "XDG_DATA_HOME" {
				return home // no vulnerability database: policy only
			}
			return ""
		}}
	s := &served{t: t, dir: t.TempDir(), passwords: map[string]string{}}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--demo", "--data", s.dir, "--listen", "127.0.0.1:0"}, extra...), env)
	}()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve: exit %d\n%s", code, errb.String())
				}
			case <-time.After(30 * time.Second):
				t.Error("serve did not stop")
			}
		})
	}
	t.Cleanup(s.stop)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := listenRe.FindStringSubmatch(out.String()); m != nil {
			s.base = m[1]
			for _, u := range demoUserRe.FindAllStringSubmatch(out.String(), -1) {
				s.passwords[u[1]] = u[2]
			}
			return s
		}
		select {
		case code := <-done:
			t.Fatalf("serve ended: exit %d\n%s\n%s", code, out.String(), errb.String())
		default:
		}
	}
	t.Fatalf("serve never listened:\n%s\n%s", out.String(), errb.String())
	return nil
}

// login opens a session for a demo account; it returns a client that
// does not follow redirects.
func (s *served) login(user string) *http.Client {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := s.post(c, "/connexion", url.Values{"login": {user}, "password": {s.passwords[user]}})
	if resp.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return c
}

// get fetches a page and returns its status and body.
func (s *served) get(c *http.Client, path string) (int, string) {
	s.t.Helper()
	resp, err := c.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// post submits form to path with the CSRF token of the page at path.
func (s *served) post(c *http.Client, path string, form url.Values) *http.Response {
	s.t.Helper()
	return s.postFrom(c, path, path, form)
}

// postFrom submits form to path with the CSRF token of the page at from.
func (s *served) postFrom(c *http.Client, from, path string, form url.Values) *http.Response {
	s.t.Helper()
	_, page := s.get(c, from)
	m := csrfFormRe.FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("%s: no CSRF field:\n%s", path, page)
	}
	form.Set("csrf", m[1])
	resp, err := c.PostForm(s.base+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// waitJob follows a job's JSON state until it ends.
func (s *served) waitJob(c *http.Client, jobPath string) map[string]any {
	s.t.Helper()
	for range 1200 {
		_, body := s.get(c, jobPath+"/etat")
		var st map[string]any
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			s.t.Fatalf("%s/etat: %v %s", jobPath, err, body)
		}
		if st["finished"] == true {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("job %s never ended", jobPath)
	return nil
}

// facts stops the server and reads a dossier from its data directory.
func (s *served) facts(applicant string) care.Facts {
	s.t.Helper()
	s.stop()
	ctx := context.Background()
	key, err := store.LoadOrCreateKey(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DataDir: s.dir, Key: key})
	if err != nil {
		s.t.Fatal(err)
	}
	defer st.Close()
	f, err := st.LoadFacts(ctx, applicant)
	if err != nil {
		s.t.Fatal(err)
	}
	return f
}

// TestServeExposureAuditJob launches an exposure audit from the UI of
// « vigie serve »: the real engines scan a fake VNC server (no
// authentication) on loopback and judge it; the audit is stored.
func TestServeExposureAuditJob(t *testing.T) {
	ln, err := probetest.Serve("127.0.0.1:0", probetest.VNC(1))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	s := serveDemo(t, "--allow-private-targets") // the fake VNC server is on loopback: lab use
	own := s.login("rssi-valmont")
	if resp := s.post(own, "/entites/010000016/perimetre", url.Values{"perimetre": {"net 127.0.0.1/32"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record perimeter: %d", resp.StatusCode)
	}
	c := s.login("referent-ght")
	if resp := s.postFrom(c, "/entites/010000016/perimetre", "/entites/010000016/perimetre/approbation", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve perimeter: %d", resp.StatusCode)
	}
	resp := s.post(c, "/dossiers/CVL-99/audits/exposition", url.Values{"entite": {"010000016"}, "ports": {fmt.Sprint(port)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("launch: %d", resp.StatusCode)
	}
	st := s.waitJob(c, resp.Header.Get("Location"))
	if st["state"] != "completed" || st["audit_id"] == "" {
		t.Fatalf("job: %+v", st)
	}
	f := s.facts("CVL-99")
	var got *care.ExposureAudit
	for i, a := range f.ExposureAudits {
		if a.ID == st["audit_id"] {
			got = &f.ExposureAudits[i]
		}
	}
	if got == nil || got.Source != care.SourceVigie || !got.CompletePerimeter {
		t.Fatalf("stored audit: %+v", got)
	}
	if got.Counts == nil || got.Counts.Critical+got.Counts.High == 0 {
		t.Errorf("open VNC not judged: %+v", got.Counts)
	}
}

// TestServeRefusesPrivateTargets: without --allow-private-targets (even
// with --demo) a loopback perimeter is refused when it is recorded.
func TestServeRefusesPrivateTargets(t *testing.T) {
	s := serveDemo(t)
	own := s.login("rssi-valmont")
	resp := s.post(own, "/entites/010000016/perimetre", url.Values{"perimetre": {"net 127.0.0.1/32"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("loopback perimeter on a default server: %d, want 400", resp.StatusCode)
	}
}
