package web

import (
	"mime"
	"strings"
	"testing"

	"vigie/internal/french/frenchtest"
	"vigie/internal/store"
)

// Every HTML page of the application, as the administrator and as an
// establishment, on each subject it sees, writes dates JJ/MM/AAAA and
// agrees its plurals (no ISO date, no « (s) ») — issues 8 §6 and 10 §0.
func TestPagesReadInFrench(t *testing.T) {
	e := newEvidenceEnvWith(t, store.Config{}, Config{AllowPrivateTargets: true},
		func(st *store.Store, c *Config) { c.Jobs = openJobs(t, st, &fakeEngines{}) })
	subjects := matrixSubjects(t, e)
	checked := 0
	for _, role := range []string{mAdmin, mEstab, mGHT} {
		c := e.login(role)
		for _, pattern := range e.server.patterns {
			method, path, _ := strings.Cut(pattern, " ")
			if method != "GET" || strings.HasPrefix(path, "/api/") || strings.Contains(path, "/static/") || strings.HasPrefix(path, "/deconnexion") {
				continue
			}
			subs := subjects
			if len(pathKinds(path)) == 0 {
				subs = subjects[:1]
			}
			for _, sub := range subs {
				target := fillPath(path, sub)
				for _, at := range []string{"", "?at=2025-07-15"} {
					resp, body := c.get(target + at)
					ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
					if resp.StatusCode != 200 || ct != "text/html" {
						continue
					}
					frenchtest.CheckHTML(t, role+" GET "+target+at, body)
					checked++
				}
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d pages checked", checked)
	}
}
