//go:build linux

package portscan

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"vigie/internal/testenv"
)

func TestSYNScanLoopback(t *testing.T) {
	testenv.NeedRoot(t)
	open, shut := listeners(t, 5, 5)
	dropped := fullListener(t)
	ports := append(append([]int(nil), open...), shut...)
	ports = append(ports, dropped)
	res, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{SYN: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "syn" {
		t.Fatalf("méthode %q (%s), attendu syn", res.Method, res.Fallback)
	}
	checkOpen(t, res, lo, open, append(shut, dropped))
}

func TestSYNScanIPv6Loopback(t *testing.T) {
	testenv.NeedRoot(t)
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("IPv6 absent : %v", err)
	}
	defer l.Close()
	shut, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := shut.Addr().(*net.TCPAddr).Port
	shut.Close()
	v6 := netip.MustParseAddr("::1")
	open := l.Addr().(*net.TCPAddr).Port
	res, err := Scan(context.Background(), []netip.Addr{v6}, []int{open, closed}, Options{SYN: true})
	if err != nil || res.Method != "syn" {
		t.Fatalf("%+v %v", res, err)
	}
	checkOpen(t, res, v6, []int{open}, []int{closed})
}

// TestSYNRespectsPerHostRate: the SYN scan goes through the same pacing as
// the connect scan (6 attempts at 50 per second span at least 100 ms).
func TestSYNRespectsPerHostRate(t *testing.T) {
	testenv.NeedRoot(t)
	_, shut := listeners(t, 0, 6)
	start := time.Now()
	res, err := Scan(context.Background(), []netip.Addr{lo}, shut, Options{SYN: true, PerHostRate: 50})
	if err != nil || res.Method != "syn" || len(res.Open) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Fatalf("6 SYN à 50/s sur un hôte en %v seulement", d)
	}
}
