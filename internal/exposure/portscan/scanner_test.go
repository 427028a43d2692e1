package portscan

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// listeners opens n listeners on 127.0.0.1 and returns their ports; it also
// returns ports that were opened then closed (refused), all distinct.
func listeners(t *testing.T, n, closed int) (open, shut []int) {
	t.Helper()
	var toClose []net.Listener
	defer func() {
		for _, l := range toClose {
			l.Close()
		}
	}()
	for i := 0; i < n+closed; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		if i < n {
			open = append(open, p)
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					c.Close()
				}
			}()
			t.Cleanup(func() { l.Close() })
		} else {
			toClose = append(toClose, l) // closed once every port is drawn
			shut = append(shut, p)
		}
	}
	return open, shut
}

var lo = netip.MustParseAddr("127.0.0.1")

// checkOpen fails when a port of want is missing from the result or one of
// never is in it.
func checkOpen(t *testing.T, res *Result, a netip.Addr, want, never []int) {
	t.Helper()
	got := map[netip.AddrPort]bool{}
	for _, o := range res.Open {
		got[netip.AddrPortFrom(o.Addr, uint16(o.Port))] = true
	}
	for _, p := range want {
		if !got[netip.AddrPortFrom(a, uint16(p))] {
			t.Errorf("%s : port ouvert %d manqué (%s)", a, p, res.Method)
		}
	}
	for _, p := range never {
		if got[netip.AddrPortFrom(a, uint16(p))] {
			t.Errorf("%s : port %d fermé ou filtré signalé ouvert (%s)", a, p, res.Method)
		}
	}
}

func TestScanFindsExactlyOpenPorts(t *testing.T) {
	open, shut := listeners(t, 5, 5)
	ports := append(append([]int(nil), open...), shut...)
	res, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete || res.Done != 10 {
		t.Fatalf("scan incomplet : %+v", res)
	}
	got := map[int]bool{}
	for _, o := range res.Open {
		got[o.Port] = true
	}
	for _, p := range open {
		if !got[p] {
			t.Errorf("port ouvert %d manqué", p)
		}
	}
	for _, p := range shut {
		if got[p] {
			t.Errorf("port fermé %d signalé ouvert", p)
		}
	}
}

func TestPermutationVisitsEachOnce(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 5, 17, 1000, 4097} {
		for seed := uint64(1); seed < 6; seed++ {
			p := newPermutation(n, seed*7919)
			seen := make([]bool, n)
			inOrder := true
			for i := uint64(0); i < n; i++ {
				x := p.next()
				if seen[x] {
					t.Fatalf("n=%d seed=%d : %d visité deux fois", n, seed, x)
				}
				seen[x] = true
				if x != i {
					inOrder = false
				}
			}
			if n > 16 && inOrder {
				t.Errorf("n=%d : ordre non aléatoire", n)
			}
		}
	}
}

// countingDial fakes a host where ports 5, 17 and 33 are open (no network:
// the test must not depend on what else listens on the machine), counts
// attempts and cancels the scan after stopAfter of them.
type countingDial struct {
	n         atomic.Int64
	stopAfter int64
	cancel    context.CancelFunc
}

func (c *countingDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if k := c.n.Add(1); c.stopAfter > 0 && k == c.stopAfter {
		c.cancel()
	}
	time.Sleep(time.Millisecond) // let the two workers interleave
	switch addr {
	case "127.0.0.1:5", "127.0.0.1:17", "127.0.0.1:33":
		a, b := net.Pipe()
		b.Close()
		return a, nil
	}
	return nil, syscall.ECONNREFUSED
}

func TestResumeFromStateFile(t *testing.T) {
	ports := make([]int, 40)
	for i := range ports {
		ports[i] = i + 1
	}
	state := filepath.Join(t.TempDir(), "scan.state")
	ctx, cancel := context.WithCancel(context.Background())
	cd := &countingDial{stopAfter: 20, cancel: cancel}
	res, err := Scan(ctx, []netip.Addr{lo}, ports, Options{Concurrency: 2, StatePath: state, Dial: cd.dial, NoVerify: true})
	if err == nil || res.Complete {
		t.Fatalf("le scan interrompu doit le signaler : %+v %v", res, err)
	}
	if !strings.Contains(err.Error(), "interrompu") {
		t.Fatalf("message : %v", err)
	}
	st, err := LoadState(state)
	// Done is the watermark: every job before it finished (in-flight ones
	// at the interruption are redone).
	if err != nil || st == nil || st.Done == 0 || st.Done >= 40 {
		t.Fatalf("état sauvegardé : %+v %v", st, err)
	}
	cd2 := &countingDial{}
	res, err = Scan(context.Background(), []netip.Addr{lo}, ports, Options{Concurrency: 2, StatePath: state, Dial: cd2.dial, NoVerify: true})
	if err != nil || !res.Complete || !res.Resumed {
		t.Fatalf("reprise : %+v %v", res, err)
	}
	if n := cd2.n.Load(); n != int64(40-st.Done) {
		t.Errorf("la reprise a fait %d tentatives, attendu %d (reste du plan)", n, 40-st.Done)
	}
	if len(res.Open) != 3 || res.Open[0].Port != 5 || res.Open[2].Port != 33 {
		t.Errorf("ports ouverts après reprise : %v", res.Open)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("le fichier d'état d'un scan terminé doit être supprimé : %v", err)
	}
	// A state of another plan is not reused.
	other := &State{Version: 1, Plan: "autre", Seed: 5, Done: 1, Total: 3}
	if err := other.Save(state); err != nil {
		t.Fatal(err)
	}
	res, err = Scan(context.Background(), []netip.Addr{lo}, ports[:20], Options{StatePath: state, Dial: (&countingDial{}).dial})
	if err != nil || res.Resumed || len(res.Open) != 2 {
		t.Fatalf("un autre plan ne doit pas reprendre : %+v %v", res, err)
	}
}

// TestOpenPortConnectedOnce: a completed handshake is final, the recall
// pass makes no second connection to an open port (nor to a closed one).
func TestOpenPortConnectedOnce(t *testing.T) {
	open, shut := listeners(t, 4, 4)
	var mu sync.Mutex
	calls := map[string]int{}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		calls[addr]++
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	ports := append(append([]int(nil), open...), shut...)
	res, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{Dial: dial, Retries: 1})
	if err != nil || len(res.Open) != len(open) {
		t.Fatalf("%+v %v", res, err)
	}
	for _, p := range ports {
		if n := calls[netip.AddrPortFrom(lo, uint16(p)).String()]; n != 1 {
			t.Errorf("port %d : %d connexions, attendu 1", p, n)
		}
	}
}

// lossyDial fakes two hosts without touching the network. 127.0.0.1 loses
// probes (rate limiting): each port ignores its first attempts (one for odd
// ports, two for even ones), then answers (open below 10 and 26, refused
// otherwise). 127.0.0.2 answers at once, except behind a firewall that
// drops ports 20–25 every time.
type lossyDial struct {
	mu    sync.Mutex
	calls map[string]int
}

func (l *lossyDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	l.mu.Lock()
	l.calls[addr]++
	k := l.calls[addr]
	l.mu.Unlock()
	ap := netip.MustParseAddrPort(addr)
	p := int(ap.Port())
	answer := func() (net.Conn, error) {
		if p < 10 || p == 26 {
			a, b := net.Pipe()
			b.Close()
			return a, nil
		}
		return nil, syscall.ECONNREFUSED
	}
	if ap.Addr() == lo {
		if k <= 1+(1-p%2) {
			return nil, context.DeadlineExceeded
		}
		return answer()
	}
	if p >= 20 && p <= 25 {
		return nil, context.DeadlineExceeded
	}
	return answer()
}

// TestRecallPassOnLossyHost: the silent ports of a host that answered a
// retry are tried again after the main pass; those of a host that drops
// consistently are not.
func TestRecallPassOnLossyHost(t *testing.T) {
	lossy, firewalled := lo, netip.MustParseAddr("127.0.0.2")
	ports := []int{1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 20, 21, 22, 23, 24, 25, 26}
	l := &lossyDial{calls: map[string]int{}}
	res, err := Scan(context.Background(), []netip.Addr{lossy, firewalled}, ports, Options{Dial: l.dial, Retries: 1, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	checkOpen(t, res, lossy, []int{1, 2, 3, 4, 5, 6, 26}, []int{11, 12, 13, 14, 20, 21, 22, 23, 24, 25})
	checkOpen(t, res, firewalled, []int{1, 2, 3, 4, 5, 6, 26}, []int{11, 12, 13, 14, 20, 21, 22, 23, 24, 25})
	for _, p := range []int{20, 21, 22, 23, 24, 25} {
		if n := l.calls[netip.AddrPortFrom(firewalled, uint16(p)).String()]; n != 2 {
			t.Errorf("hôte filtré, port %d : %d tentatives, attendu 2 (pas de seconde passe)", p, n)
		}
	}
	// Without the recall pass, the even ports of the lossy host are lost.
	l = &lossyDial{calls: map[string]int{}}
	res, err = Scan(context.Background(), []netip.Addr{lossy}, ports[:6], Options{Dial: l.dial, Retries: 1, NoVerify: true})
	if err != nil || len(res.Open) != 3 {
		t.Fatalf("sans seconde passe : %v %v", res.Open, err)
	}
}

func TestRetriesOnTimeoutOnly(t *testing.T) {
	var n atomic.Int64
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		n.Add(1)
		if addr == "127.0.0.1:2" {
			return nil, syscall.ECONNREFUSED
		}
		return nil, context.DeadlineExceeded
	}
	_, err := Scan(context.Background(), []netip.Addr{lo}, []int{1, 2}, Options{Dial: dial, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 4 { // 3 attempts on the silent port, 1 on the refusing one
		t.Fatalf("tentatives = %d, attendu 4", got)
	}
}

func TestPerHostRateSpacesAttempts(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		return nil, syscall.ECONNREFUSED
	}
	ports := []int{1, 2, 3, 4, 5, 6}
	if _, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{Dial: dial, PerHostRate: 50, Concurrency: 6}); err != nil {
		t.Fatal(err)
	}
	if len(times) != 6 {
		t.Fatalf("%d tentatives", len(times))
	}
	span := times[len(times)-1].Sub(times[0])
	if span < 5*20*time.Millisecond*9/10 {
		t.Fatalf("6 tentatives à 50/s sur un hôte étalées sur %v seulement", span)
	}
}

func TestParseSet(t *testing.T) {
	ps, err := ParseSet("22,80,443,8000-8003, 80")
	if err != nil || len(ps) != 7 || ps[0] != 22 || ps[6] != 8003 {
		t.Fatalf("%v %v", ps, err)
	}
	if ps := Top1000(); len(ps) != 1000 {
		t.Fatalf("top-1000 contient %d ports", len(ps))
	}
	d, _ := ParseSet("default")
	for _, must := range []int{104, 11112, 4242, 2575, 3389, 445, 10443} {
		found := false
		for _, p := range d {
			found = found || p == must
		}
		if !found {
			t.Errorf("port %d absent de la liste par défaut", must)
		}
	}
	for _, bad := range []string{"0", "65536", "80-22", "abc", ",", "1-"} {
		if _, err := ParseSet(bad); err == nil {
			t.Errorf("ParseSet(%q) accepté", bad)
		}
	}
}

func FuzzParsePorts(f *testing.F) {
	f.Add("22,80,443,8000-8100")
	f.Add("1-65535")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePorts(s)
		if err != nil {
			return
		}
		for i, p := range ps {
			if p < 1 || p > 65535 || (i > 0 && ps[i-1] >= p) {
				t.Fatalf("liste invalide %v", ps)
			}
		}
	})
}

func TestScanIPv6Loopback(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("IPv6 absent : %v", err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	p := l.Addr().(*net.TCPAddr).Port
	res, err := Scan(context.Background(), []netip.Addr{netip.MustParseAddr("::1")}, []int{p}, Options{})
	if err != nil || len(res.Open) != 1 || res.Open[0].Addr.String() != "::1" {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestHostConcurrencyBound(t *testing.T) {
	var mu sync.Mutex
	cur, peak := 0, 0
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
		return nil, syscall.ECONNREFUSED
	}
	ports := make([]int, 60)
	for i := range ports {
		ports[i] = i + 1
	}
	if _, err := Scan(context.Background(), []netip.Addr{lo}, ports, Options{Dial: dial, Concurrency: 50, HostConcurrency: 3}); err != nil {
		t.Fatal(err)
	}
	if peak > 3 || peak == 0 {
		t.Fatalf("au plus 3 tentatives simultanées vers l'hôte attendues, vu %d", peak)
	}
}

// TestSYNFallsBackWithDialer: a SYN scan cannot go through a given dialer;
// the connect scan runs and says why.
func TestSYNFallsBackWithDialer(t *testing.T) {
	cd := &countingDial{}
	res, err := Scan(context.Background(), []netip.Addr{lo}, []int{5, 6}, Options{SYN: true, Dial: cd.dial})
	if err != nil || res.Method != "connect" || res.Fallback == "" || cd.n.Load() != 2 || len(res.Open) != 1 {
		t.Fatalf("%+v %v (%d tentatives)", res, err, cd.n.Load())
	}
}
