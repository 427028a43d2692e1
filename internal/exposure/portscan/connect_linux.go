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

// fastConnect is a non-blocking connect on a bare socket: no address
// look-ups, socket options or net.Conn set-up. A second connect call tells
// at once when the handshake is already over (loopback, near hosts: four
// system calls in all); otherwise Go's poller waits for the answer.
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
		return isLocalError
	}
	err = syscall.Connect(fd, sa)
	if errors.Is(err, syscall.EINPROGRESS) {
		// On loopback and fast links the handshake is often over by now:
		// a second connect tells without the poller (0: connected,
		// ECONNREFUSED: refused, EALREADY: still in progress).
		err = syscall.Connect(fd, sa)
		if errors.Is(err, syscall.EALREADY) {
			err = syscall.EINPROGRESS
		}
	}
	switch {
	case err == nil || errors.Is(err, syscall.EISCONN):
		closeOpen(fd)
		return isOpen
	case errors.Is(err, syscall.ECONNREFUSED):
		syscall.Close(fd)
		return isClosed
	case !errors.Is(err, syscall.EINPROGRESS):
		syscall.Close(fd)
		if isLocal(err) {
			return isLocalError
		}
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
	res := isFiltered
	check := func(fd uintptr) bool {
		var done bool
		res, done = connectState(int(fd), sa)
		return done
	}
	for {
		// Checked before the first wait too: the poller's readiness may
		// have been reset after the connection completed.
		werr := rc.Write(check)
		if werr == nil {
			return res
		}
		if !errors.Is(werr, os.ErrDeadlineExceeded) || ctx.Err() != nil {
			return isFiltered
		}
		// The estimate may have grown since the deadline was set.
		left := timeout() - time.Since(start)
		if left <= 0 {
			// A last look: on a busy machine the answer may have come
			// while this goroutine waited to run.
			res = isFiltered
			_ = rc.Control(func(fd uintptr) { check(fd) })
			return res
		}
		_ = f.SetWriteDeadline(time.Now().Add(min(left, 100*time.Millisecond)))
	}
}

// connectState asks a connecting socket where it is with a second connect
// call: connected (open, then set to close with a reset), refused (closed),
// another error (filtered), or still in progress (done false).
func connectState(fd int, sa syscall.Sockaddr) (res outcome, done bool) {
	switch err := syscall.Connect(fd, sa); {
	case errors.Is(err, syscall.EALREADY):
		return isFiltered, false
	case err == nil || errors.Is(err, syscall.EISCONN):
		// Reset rather than FIN on close (see closeOpen).
		_ = syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
		return isOpen, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return isClosed, true
	default:
		return isFiltered, true
	}
}

// closeOpen closes a connected socket with a reset (SO_LINGER 0), as nmap
// does: no FIN exchange and no TIME_WAIT entry left behind, which would
// slow down the choice of source ports of the next connections.
func closeOpen(fd int) {
	_ = syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	syscall.Close(fd)
}
