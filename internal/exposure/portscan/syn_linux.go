//go:build linux

package portscan

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// synScanner sends TCP SYNs on raw sockets and reads the answers: SYN-ACK
// (open) or RST (closed); silence is filtered. No connection is made: the
// kernel, which owns no socket for the SYN-ACK, answers it with a reset,
// as it does for nmap -sS. The source port is reserved by a bound TCP
// socket so that no local connection takes it.
type synScanner struct {
	v4, v6 *rawTCP
	seed   maphash.Seed

	mu   sync.Mutex
	wait map[netip.AddrPort]chan outcome // probes waiting for an answer
	src  map[netip.Addr]netip.Addr       // source address towards a host
}

var errSYNPerm = errors.New("scan SYN impossible sans droits root (CAP_NET_RAW) : scan par connexion")

// rawTCP is one address family's raw socket and reserved source port.
type rawTCP struct {
	conn    *net.IPConn
	raw     syscall.RawConn
	port    uint16
	hold    int // descriptor of the bound TCP socket holding port
	v6      bool
	read    func(ms []ipv4.Message, flags int) (int, error)
	done    chan struct{} // closed when the reader stops
	reading bool          // the reader was started
	closing atomic.Bool
}

// openSYN opens the raw sockets the hosts need, or says in French why the
// SYN scan cannot run.
func (s *scanner) openSYN(hosts []netip.Addr) (*synScanner, error) {
	if !s.fast {
		return nil, errors.New("scan SYN impossible avec un dialer fourni : scan par connexion")
	}
	ss := &synScanner{seed: maphash.MakeSeed(), wait: map[netip.AddrPort]chan outcome{}, src: map[netip.Addr]netip.Addr{}}
	var err error
	for _, a := range hosts {
		switch {
		case a.Unmap().Is4() && ss.v4 == nil:
			ss.v4, err = openRawTCP(ss, false)
		case !a.Unmap().Is4() && ss.v6 == nil:
			ss.v6, err = openRawTCP(ss, true)
		}
		if err != nil {
			ss.close()
			if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
				return nil, errSYNPerm
			}
			return nil, fmt.Errorf("scan SYN impossible (%v) : scan par connexion", err)
		}
	}
	return ss, nil
}

func openRawTCP(ss *synScanner, v6 bool) (*rawTCP, error) {
	network, family, wildcard := "ip4:tcp", syscall.AF_INET, syscall.Sockaddr(&syscall.SockaddrInet4{})
	if v6 {
		network, family, wildcard = "ip6:tcp", syscall.AF_INET6, &syscall.SockaddrInet6{}
	}
	// Reserve the source port: a bound TCP socket, neither listening nor
	// connected, keeps the port from local connections and lets the
	// kernel reset the SYN-ACKs that come to it.
	hold, err := syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if v6 {
		_ = syscall.SetsockoptInt(hold, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1)
	}
	var port int
	if err = syscall.Bind(hold, wildcard); err == nil {
		var sa syscall.Sockaddr
		if sa, err = syscall.Getsockname(hold); err == nil {
			switch sa := sa.(type) {
			case *syscall.SockaddrInet4:
				port = sa.Port
			case *syscall.SockaddrInet6:
				port = sa.Port
			}
		}
	}
	if err != nil {
		syscall.Close(hold)
		return nil, err
	}
	pc, err := net.ListenPacket(network, "")
	if err != nil {
		syscall.Close(hold)
		return nil, err
	}
	r := &rawTCP{conn: pc.(*net.IPConn), port: uint16(port), hold: hold, v6: v6, done: make(chan struct{})}
	if r.raw, err = r.conn.SyscallConn(); err == nil {
		err = r.filter(v6)
	}
	if err != nil {
		r.close()
		return nil, err
	}
	// A large receive buffer: answers come in bursts.
	_ = r.raw.Control(func(fd uintptr) {
		if syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 4<<20) != nil {
			_ = r.conn.SetReadBuffer(4 << 20)
		}
	})
	r.reading = true
	go ss.receive(r)
	return r, nil
}

// filter attaches a BPF program keeping only the TCP segments sent to the
// reserved port: the raw socket would otherwise get a copy of every TCP
// packet the machine receives. An IPv4 raw socket reads the IP header
// first; an IPv6 one starts at the TCP header.
func (r *rawTCP) filter(v6 bool) error {
	prog := []bpf.Instruction{
		bpf.LoadMemShift{Off: 0},          // X = IPv4 header length
		bpf.LoadIndirect{Off: 2, Size: 2}, // TCP destination port
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(r.port), SkipFalse: 1},
		bpf.RetConstant{Val: 256},
		bpf.RetConstant{Val: 0},
	}
	if v6 {
		prog = append([]bpf.Instruction{bpf.LoadAbsolute{Off: 2, Size: 2}}, prog[2:]...)
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return err
	}
	if v6 {
		p := ipv6.NewPacketConn(r.conn)
		r.read = func(ms []ipv4.Message, flags int) (int, error) { return p.ReadBatch(ms, flags) }
		return p.SetBPF(raw)
	}
	p := ipv4.NewPacketConn(r.conn)
	r.read = func(ms []ipv4.Message, flags int) (int, error) { return p.ReadBatch(ms, flags) }
	return p.SetBPF(raw)
}

func (r *rawTCP) close() {
	if r == nil {
		return
	}
	r.closing.Store(true)
	r.conn.Close()
	if r.reading {
		<-r.done // the reader has stopped
	}
	syscall.Close(r.hold)
}

func (ss *synScanner) close() {
	ss.v4.close()
	ss.v6.close()
}

// cookie is the sequence number of the SYN to dst: answers must
// acknowledge it, which tells them from stray or forged segments.
func (ss *synScanner) cookie(dst netip.AddrPort) uint32 {
	return uint32(maphash.Comparable(ss.seed, dst))
}

// receive reads answers until the socket closes and hands each to the
// probe waiting for it.
func (ss *synScanner) receive(r *rawTCP) {
	defer close(r.done)
	ms := make([]ipv4.Message, 32)
	for i := range ms {
		ms[i].Buffers = [][]byte{make([]byte, 256)}
	}
	for {
		n, err := r.read(ms, 0)
		if err != nil {
			if r.closing.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		for _, m := range ms[:n] {
			var from netip.Addr
			if a, ok := m.Addr.(*net.IPAddr); ok {
				from, _ = netip.AddrFromSlice(a.IP)
			}
			ss.dispatch(r, m.Buffers[0][:m.N], from)
		}
	}
}

// drain reads, without waiting, the answers already queued on the socket:
// a probe's last look before it gives up, as on a busy machine the reader
// may not have run yet. (The reader holds the connection's read lock while
// it waits, hence the bare system call.)
func (ss *synScanner) drain(r *rawTCP) {
	var buf [256]byte
	_ = r.raw.Control(func(fd uintptr) {
		for range 64 {
			n, sa, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_DONTWAIT)
			if err != nil {
				return
			}
			var from netip.Addr
			if sa6, ok := sa.(*syscall.SockaddrInet6); ok {
				from = netip.AddrFrom16(sa6.Addr)
			}
			ss.dispatch(r, buf[:n], from)
		}
	})
}

// dispatch hands a SYN-ACK (open) or a reset (closed) that acknowledges one
// of our SYNs to the probe waiting for it; anything else is ignored. An
// IPv4 packet comes with its header, an IPv6 one without (from is its
// source).
func (ss *synScanner) dispatch(r *rawTCP, pkt []byte, from netip.Addr) {
	var rep reply
	ok := false
	if r.v6 {
		rep, ok = parseTCP(pkt)
	} else {
		from, rep, ok = parseIPv4TCP(pkt)
	}
	if !ok || rep.to != r.port {
		return
	}
	var res outcome
	switch {
	case rep.flags&(tcpSYN|tcpACK) == tcpSYN|tcpACK:
		res = isOpen
	case rep.flags&tcpRST != 0:
		res = isClosed
	default:
		return
	}
	key := netip.AddrPortFrom(from.Unmap(), rep.from)
	if rep.ack != ss.cookie(key)+1 {
		return
	}
	ss.mu.Lock()
	ch := ss.wait[key]
	delete(ss.wait, key)
	ss.mu.Unlock()
	if ch != nil {
		ch <- res
	}
}

// source is the address the kernel sends from towards a (needed for the
// TCP checksum): the route look-up of a connected UDP socket, which sends
// nothing.
func (ss *synScanner) source(a netip.Addr) (netip.Addr, error) {
	ss.mu.Lock()
	src, ok := ss.src[a]
	ss.mu.Unlock()
	if ok {
		return src, nil
	}
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(a, 9)))
	if err != nil {
		return netip.Addr{}, err
	}
	src = c.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap()
	c.Close()
	ss.mu.Lock()
	ss.src[a] = src
	ss.mu.Unlock()
	return src, nil
}

// probe sends one SYN to a:port and waits at most timeout() (re-read as it
// goes) for the answer.
func (ss *synScanner) probe(ctx context.Context, a netip.Addr, port int, timeout func() time.Duration) outcome {
	a = a.Unmap() // an IPv4-mapped address is reached over IPv4
	var r *rawTCP
	var sa syscall.Sockaddr
	if a.Is4() {
		r, sa = ss.v4, &syscall.SockaddrInet4{Addr: a.As4()}
	} else {
		sa6 := &syscall.SockaddrInet6{Addr: a.As16()}
		if z := a.Zone(); z != "" { // link-local: the interface is part of the address
			if ifi, err := net.InterfaceByName(z); err == nil {
				sa6.ZoneId = uint32(ifi.Index)
			}
		}
		r, sa = ss.v6, sa6
	}
	src, err := ss.source(a)
	if err != nil {
		return isFiltered // no route: nothing can answer
	}
	dst := netip.AddrPortFrom(a.WithZone(""), uint16(port)) // answers carry no zone
	var buf [synLen]byte
	seg := synSegment(buf[:], netip.AddrPortFrom(src, r.port), dst, ss.cookie(dst))
	ch := make(chan outcome, 1)
	ss.mu.Lock()
	ss.wait[dst] = ch
	ss.mu.Unlock()
	defer func() {
		ss.mu.Lock()
		if ss.wait[dst] == ch {
			delete(ss.wait, dst)
		}
		ss.mu.Unlock()
	}()
	var serr error
	err = r.raw.Write(func(fd uintptr) bool {
		serr = syscall.Sendto(int(fd), seg, 0, sa)
		return !errors.Is(serr, syscall.EAGAIN)
	})
	switch {
	case err != nil || isLocal(serr):
		return isLocalError
	case serr != nil:
		return isFiltered // refused on the way out (EPERM from a local firewall, unreachable)
	}
	start := time.Now()
	t := time.NewTimer(min(timeout(), 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case res := <-ch:
			return res
		case <-ctx.Done():
			return isFiltered
		case <-t.C:
			// The estimate may have changed since the timer was set.
			left := timeout() - time.Since(start)
			if left <= 0 {
				ss.drain(r)
				select {
				case res := <-ch:
					return res
				default:
					return isFiltered
				}
			}
			t.Reset(min(left, 100*time.Millisecond))
		}
	}
}

// CheckSYN says (in French) why a SYN scan would fall back to a connect
// scan here, or nil when raw sockets can be opened.
func CheckSYN() error {
	pc, err := net.ListenPacket("ip4:tcp", "")
	if err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			return errSYNPerm
		}
		return fmt.Errorf("scan SYN impossible (%v) : scan par connexion", err)
	}
	return pc.Close()
}
