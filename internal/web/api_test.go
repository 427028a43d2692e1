package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func (e *env) token(login string) string {
	e.t.Helper()
	tok, err := IssueAPIToken(context.Background(), e.st, login, "test", "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func TestAPIAuthentication(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"", "vigie_inconnu", "pas-un-jeton"} {
		status, body := e.api(tok, "/api/v1/applicants")
		if status != http.StatusUnauthorized || !strings.Contains(body["error"].(string), "authentification requise") {
			t.Errorf("token %q: %d %v, want 401 with a French error", tok, status, body)
		}
	}
	// Basic authentication is not a bearer token.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/applicants", nil)
	req.SetBasicAuth("admin", e.accounts["admin"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("basic auth: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	// A browser session works for GET calls.
	c := e.login("rssi-valmont")
	resp, body := c.get("/api/v1/applicants")
	if resp.StatusCode != 200 || !strings.Contains(body, `"CVL-99"`) {
		t.Errorf("session GET: %d %s", resp.StatusCode, body)
	}
	status, _ := e.api(e.token("admin"), "/api/v1/nulle-part")
	if status != http.StatusNotFound {
		t.Errorf("unknown API path: %d", status)
	}
}

func TestAPIScope(t *testing.T) {
	e := newEnv(t)
	valmont, ght, ars, admin := e.token("rssi-valmont"), e.token("referent-ght"), e.token("ars-idf"), e.token("admin")

	ids := func(tok string) string {
		status, body := e.api(tok, "/api/v1/applicants")
		if status != 200 {
			t.Fatalf("applicants: %d %v", status, body)
		}
		var out []string
		for _, a := range body["applicants"].([]any) {
			m := a.(map[string]any)
			out = append(out, m["id"].(string)+"/"+m["bucket"].(string))
		}
		return strings.Join(out, ",")
	}
	for tok, want := range map[string]string{
		valmont: "CVL-99/ght", ght: "CVL-99/ght", ars: "750000010/prive_lucratif", admin: "750000010/prive_lucratif,CVL-99/ght",
	} {
		if got := ids(tok); got != want {
			t.Errorf("applicants: %q, want %q", got, want)
		}
	}

	cases := []struct {
		tok  string
		path string
		want int
	}{
		{valmont, "/api/v1/entities/010000016", 200},
		{valmont, "/api/v1/entities/010000032", 200},
		{valmont, "/api/v1/entities/010000040", 404},
		{valmont, "/api/v1/entities/750000010", 404},
		{valmont, "/api/v1/applicants/750000010/evaluation", 404},
		{ght, "/api/v1/entities/010000073", 200},
		{ght, "/api/v1/entities/750000028", 404},
		{ars, "/api/v1/entities/750000028", 200},
		{ars, "/api/v1/applicants/CVL-99/evaluation", 404},
		{admin, "/api/v1/entities/01000001X", 404},
		{admin, "/api/v1/applicants/CVL-99/evaluation?at=2025-13-01", 400},
	}
	for _, tc := range cases {
		status, body := e.api(tc.tok, tc.path)
		if status != tc.want {
			t.Errorf("GET %s: %d %v, want %d", tc.path, status, body, tc.want)
		}
		if status >= 400 && body["error"] == "" {
			t.Errorf("GET %s: no error message", tc.path)
		}
	}

	// The evaluation of an establishment is cut down to its entities.
	_, own := e.api(valmont, "/api/v1/applicants/CVL-99/evaluation?at="+demoAt)
	_, full := e.api(ght, "/api/v1/applicants/CVL-99/evaluation?at="+demoAt)
	entities := func(body map[string]any) map[string]bool {
		out := map[string]bool{}
		for _, r := range body["results"].([]any) {
			out[r.(map[string]any)["entity"].(string)] = true
		}
		return out
	}
	o, f := entities(own), entities(full)
	if !o["010000016"] || o["010000040"] || o["CVL-99"] || own["partial"] != true {
		t.Errorf("establishment evaluation entities: %v (partial %v)", o, own["partial"])
	}
	if !f["010000016"] || !f["010000040"] || !f["CVL-99"] || full["as_of"] != demoAt {
		t.Errorf("referent evaluation entities: %v, as_of %v", f, full["as_of"])
	}
}
