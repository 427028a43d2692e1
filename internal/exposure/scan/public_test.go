package scan

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
)

// TestPrivateTargetsRefused: by default an audit refuses a declared
// loopback network before connecting, and a declared name resolving to a
// loopback address after resolution; nothing is contacted. Allowing
// private targets (lab only) scans them.
func TestPrivateTargetsRefused(t *testing.T) {
	hits, port := countingListener(t, "127.0.43.40:0")
	resolver := zone(t, `
rebind.chu-test.fr. 60 IN A 127.0.43.40
`)
	settle := func() { time.Sleep(150 * time.Millisecond) }

	declared, err := scope.Parse(strings.NewReader("net 127.0.43.40\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Config{Perimeter: declared, Ports: []int{port}, NoProbe: true})
	var npe *scope.NonPublicError
	if !errors.As(err, &npe) || !strings.Contains(err.Error(), "127.0.43.40") || !strings.Contains(err.Error(), "boucle locale") {
		t.Fatalf("declared loopback network: %v, want a NonPublicError naming it", err)
	}

	named, err := scope.Parse(strings.NewReader("host rebind.chu-test.fr\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Perimeter: named, Resolver: &scope.Resolver{Addr: resolver}, Ports: []int{port},
		Scan: portscan.Options{Timeout: time.Second}, NoProbe: true})
	if err != nil {
		t.Fatal(err)
	}
	settle()
	if n := hits.Load(); n != 0 {
		t.Fatalf("a name resolving to loopback was connected to %d time(s)", n)
	}
	if len(res.Audit.Hosts) != 0 || len(res.Audit.Candidates) != 1 || !strings.Contains(res.Audit.Candidates[0].Why, "boucle locale") {
		t.Fatalf("hosts %+v, candidates %+v: want the resolved loopback address as a refused candidate", res.Audit.Hosts, res.Audit.Candidates)
	}

	res, err = Run(context.Background(), Config{Perimeter: named, Resolver: &scope.Resolver{Addr: resolver}, Ports: []int{port},
		Scan: portscan.Options{Timeout: time.Second}, NoProbe: true, AllowPrivateTargets: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && hits.Load() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if hits.Load() == 0 || len(res.Audit.Hosts) != 1 {
		t.Fatalf("allowed private targets: %d connection(s), hosts %+v", hits.Load(), res.Audit.Hosts)
	}
}
