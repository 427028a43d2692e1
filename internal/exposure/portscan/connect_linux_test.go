//go:build linux

package portscan

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"
)

// fullListener listens with a backlog of 0 and never accepts: once its queue
// is full, the kernel drops new SYNs, like a filtering firewall.
func fullListener(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	port := sa.(*syscall.SockaddrInet4).Port
	for i := 0; i < 3; i++ { // fill the queue
		c, err := net.DialTimeout("tcp", lo.String()+":"+itoa(port), 200*time.Millisecond)
		if err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	return port
}

func itoa(n int) string { return (&net.TCPAddr{Port: n}).String()[1:] }

func TestFastConnectFiltered(t *testing.T) {
	port := fullListener(t)
	// The estimate shrinks while waiting: the attempt must give up early.
	start := time.Now()
	shrink := func() time.Duration {
		if time.Since(start) > 150*time.Millisecond {
			return 200 * time.Millisecond
		}
		return 5 * time.Second
	}
	if got := fastConnect(context.Background(), lo, port, shrink); got != isFiltered {
		t.Fatalf("port saturé : %v, attendu filtré", got)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("l'attente n'a pas suivi l'estimation : %v", d)
	}
	// Cancellation ends the wait too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if got := fastConnect(ctx, lo, port, func() time.Duration { return time.Minute }); got != isFiltered {
		t.Fatalf("annulation : %v", got)
	}
}
