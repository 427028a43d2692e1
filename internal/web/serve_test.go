package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"testing"
)

func TestServeStopsOnCancel(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: e.st})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, s.Handler(), "", "", nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/sante")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok\n" {
		t.Errorf("/sante: %d %q", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/sante"); err == nil {
		t.Error("still serving after cancel")
	}
}

// TestOpenAPIListsRoutes keeps docs/openapi.yaml in step with the API routes.
func TestOpenAPIListsRoutes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`"GET (/api/v1/[^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 3 {
		t.Fatalf("found %d API routes in server.go", len(routes))
	}
	for _, r := range routes {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(r[1]) + `:$`).Match(doc) {
			t.Errorf("docs/openapi.yaml does not document %s", r[1])
		}
	}
}
