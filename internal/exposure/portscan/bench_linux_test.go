//go:build linux

package portscan

import (
	"context"
	"net/netip"
	"os"
	"syscall"
	"testing"
)

// BenchmarkScanLoopback scans 200 ports of 127.0.0.1 that this benchmark
// opened (a third listening, never accepting, as bench/exposure-scan.sh's
// helper; the rest closed again): the per-attempt cost of the connect scan,
// for profiling (the comparison with nmap is in bench/).
func BenchmarkScanLoopback(b *testing.B) { benchLoopback(b, false) }

// BenchmarkScanLoopbackSYN is the same with the SYN scan (root).
func BenchmarkScanLoopbackSYN(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("root requis")
	}
	benchLoopback(b, true)
}

func benchLoopback(b *testing.B, syn bool) {
	var open, shut []int
	var toClose []int
	for i := 0; i < 200; i++ {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: lo.As4()}); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Listen(fd, 4096); err != nil {
			b.Fatal(err)
		}
		sa, _ := syscall.Getsockname(fd)
		p := sa.(*syscall.SockaddrInet4).Port
		if i%3 == 0 {
			open = append(open, p)
			b.Cleanup(func() { syscall.Close(fd) })
		} else {
			toClose = append(toClose, fd) // once every port is drawn: all distinct
			shut = append(shut, p)
		}
	}
	for _, fd := range toClose {
		syscall.Close(fd)
	}
	ports := append(append([]int(nil), open...), shut...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{SYN: syn})
		if err != nil || len(res.Open) != len(open) {
			b.Fatalf("%d ouverts sur %d : %v", len(res.Open), len(open), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ports)), "ns/attempt")
}
