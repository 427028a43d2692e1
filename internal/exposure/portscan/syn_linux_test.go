//go:build linux

package portscan

import (
	"context"
	"net"
	"net/netip"
	"testing"

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
