//go:build linux

package portscan

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// fastConnect is a non-blocking connect on a raw socket waited for by Go's
// poller: no address look-ups, socket options or net.Conn set-up, about half
// the system calls of net.Dialer for a connection that is closed at once.
// The wait ends at start+timeout(), re-read as it goes (adaptive timeout).
// It returns -1 when it cannot be used (the caller then dials).
func fastConnect(ctx context.Context, a netip.Addr, port int, timeout func() time.Duration) outcome {
	var sa syscall.Sockaddr
	family := syscall.AF_INET
	if a.Is4() {
		sa = &syscall.SockaddrInet4{Port: port, Addr: a.As4()}
	} else {
		family = syscall.AF_INET6
		sa = &syscall.SockaddrInet6{Port: port, Addr: a.As16()}
	}
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
	if err != nil {
		return isFiltered
	}
	err = syscall.Connect(fd, sa)
	switch {
	case err == nil:
		syscall.Close(fd)
		return isOpen
	case errors.Is(err, syscall.ECONNREFUSED):
		syscall.Close(fd)
		return isClosed
	case !errors.Is(err, syscall.EINPROGRESS):
		syscall.Close(fd)
		return isFiltered
	}
	f := os.NewFile(uintptr(fd), "") // registers the descriptor with the poller
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return isFiltered
	}
	start := time.Now()
	// Wake at least every 100 ms to re-read the estimate: attempts started
	// before any host answered give up as soon as the estimate allows.
	_ = f.SetWriteDeadline(start.Add(min(timeout(), 100*time.Millisecond)))
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	var soErr int
	for {
		// Checked before the first wait too: the poller's readiness may
		// have been reset after the connection completed.
		werr := rc.Write(func(fd uintptr) bool {
			soErr, err = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_ERROR)
			return err != nil || soErr != 0 || connected(int(fd))
		})
		if werr == nil {
			break
		}
		if !errors.Is(werr, os.ErrDeadlineExceeded) || ctx.Err() != nil {
			return isFiltered
		}
		// The estimate may have grown since the deadline was set.
		left := timeout() - time.Since(start)
		if left <= 0 {
			return isFiltered
		}
		_ = f.SetWriteDeadline(time.Now().Add(min(left, 100*time.Millisecond)))
	}
	switch {
	case err != nil:
		return isFiltered
	case soErr == 0:
		return isOpen
	case syscall.Errno(soErr) == syscall.ECONNREFUSED:
		return isClosed
	}
	return isFiltered
}

// connected reports whether a socket whose SO_ERROR is 0 has a peer (the
// poller may wake the callback before the connection is established).
func connected(fd int) bool {
	_, err := syscall.Getpeername(fd)
	return err == nil
}
