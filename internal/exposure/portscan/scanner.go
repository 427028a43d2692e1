package portscan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Open is one open TCP port.
type Open struct {
	Addr netip.Addr `json:"addr"`
	Port int        `json:"port"`
}

// DialFunc opens a TCP connection (tests and netns runs may replace it).
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Options tune a scan. Zero values take the defaults in brackets.
type Options struct {
	Concurrency int // simultaneous connection attempts [1024]
	// HostConcurrency bounds the attempts in flight towards one host [256].
	HostConcurrency int
	Rate            float64       // global attempts per second, 0 = unlimited
	PerHostRate     float64       // attempts per second and per host, 0 = unlimited
	Timeout         time.Duration // longest wait for a connect answer [1.5 s]
	// MinTimeout is the floor of the adaptive wait [250 ms]: once hosts have
	// answered, a silent port is given srtt + 4·rttvar (doubled on each retry)
	// within [MinTimeout, Timeout]. FixedTimeout always waits Timeout.
	MinTimeout   time.Duration
	FixedTimeout bool
	Retries      int // extra attempts after a time-out (never after a refusal) [0]
	// NoVerify skips the recall pass. An open port is never connected to
	// twice (a completed handshake is proof enough); the recall pass tries
	// once more, gently, the silent ports of hosts that showed they lose
	// probes (a port that timed out, then answered a retry: rate limiting,
	// congestion), where a consistent firewall costs nothing more.
	NoVerify bool
	// SYN asks for a SYN scan (raw sockets: root or CAP_NET_RAW, Linux) instead
	// of full connections; without raw sockets, or with Dial set, the
	// connect scan runs (Result.Method, Result.Fallback).
	SYN       bool
	Seed      uint64 // order of the scan; 0 draws one at random
	StatePath string // state file: resumed if present and matching, updated as it goes, removed once complete
	Dial      DialFunc
	// Progress, if set, is called from time to time and at the end.
	Progress func(done, total uint64, open int)
}

// Result is the outcome of a scan.
type Result struct {
	Open     []Open
	Done     uint64 // jobs (host, port) finished
	Total    uint64
	Complete bool // every job finished (false when interrupted)
	Resumed  bool // the scan started from a state file
	// Method is the scan that ran: "connect" or "syn"; Fallback says (in
	// French) why a requested SYN scan ran as a connect scan.
	Method   string
	Fallback string
}

type outcome int

const (
	isClosed outcome = iota
	isOpen
	isFiltered
	// isLocalError: the attempt failed on this machine (descriptors or
	// source ports exhausted, buffers full) and says nothing of the target.
	isLocalError
)

// localRetries bounds the attempts that fail locally for one probe.
const localRetries = 8

// Scan tries every (host, port) pair in a random order and returns the open
// ports, sorted. When ctx ends, it saves the state and returns what it found
// with Complete false and the context's error.
func Scan(ctx context.Context, hosts []netip.Addr, ports []int, opt Options) (*Result, error) {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 1024
	}
	if opt.HostConcurrency <= 0 {
		opt.HostConcurrency = 256
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 1500 * time.Millisecond
	}
	opt.Retries = max(opt.Retries, 0)
	if opt.MinTimeout <= 0 {
		opt.MinTimeout = 250 * time.Millisecond
	}
	if opt.FixedTimeout || opt.MinTimeout > opt.Timeout {
		opt.MinTimeout = opt.Timeout
	}
	fast := opt.Dial == nil
	if opt.Dial == nil {
		// No keep-alive: the connection is closed at once, and each of
		// its setsockopt calls costs on large scans.
		d := &net.Dialer{KeepAlive: -1}
		opt.Dial = d.DialContext
	}
	total := uint64(len(hosts)) * uint64(len(ports))
	st := &State{Version: 1, Plan: planHash(hosts, ports), Total: total, Seed: opt.Seed}
	res := &Result{Total: total}
	if opt.StatePath != "" {
		old, err := LoadState(opt.StatePath)
		if err != nil {
			return nil, err
		}
		if old != nil && old.Plan == st.Plan && old.Total == total {
			st = old
			res.Resumed = true
		}
	}
	if st.Seed == 0 {
		st.Seed = rand.Uint64() | 1
	}
	s := &scanner{opt: opt, fast: fast, hosts: hosts, ports: ports, global: newPacer(opt.Rate), rtt: newRTT(opt.MinTimeout, opt.Timeout),
		perHost: &hostPacers{rate: opt.PerHostRate, m: map[string]*pacer{}},
		state:   map[netip.Addr]*hostState{}}
	res.Method = "connect"
	if opt.SYN {
		syn, err := s.openSYN(hosts)
		if err != nil {
			res.Fallback = err.Error()
		} else {
			defer syn.close()
			s.syn = syn
			res.Method = "syn"
		}
	}
	found, silent, done, err := s.run(ctx, st)
	res.Done = done
	res.Complete = err == nil && done == total
	if err == nil && !opt.NoVerify {
		found = append(found, s.recall(ctx, silent)...)
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].Addr != found[j].Addr {
			return found[i].Addr.Less(found[j].Addr)
		}
		return found[i].Port < found[j].Port
	})
	res.Open = found
	switch {
	case opt.StatePath == "":
	case res.Complete:
		// A finished scan must not be "resumed" by the next audit.
		if rerr := os.Remove(opt.StatePath); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
			err = fmt.Errorf("fichier d'état %s : %w", opt.StatePath, rerr)
		}
	default:
		if serr := st.Save(opt.StatePath); serr != nil && err == nil {
			err = serr
		}
	}
	return res, err
}

type scanner struct {
	opt     Options
	fast    bool // no custom dialer: raw non-blocking connects (Linux)
	syn     *synScanner
	hosts   []netip.Addr
	ports   []int
	global  *pacer
	perHost *hostPacers
	rtt     *rtt

	mu    sync.Mutex
	state map[netip.Addr]*hostState
}

// hostState is what the scan learns of one host.
type hostState struct {
	slots chan struct{} // attempts in flight towards the host
	lossy atomic.Bool   // a port timed out, then answered a retry
}

func (s *scanner) host(a netip.Addr) *hostState {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.state[a]
	if !ok {
		h = &hostState{slots: make(chan struct{}, s.opt.HostConcurrency)}
		s.state[a] = h
	}
	return h
}

// hostSlot takes one of the host's in-flight slots; release gives it back.
func (s *scanner) hostSlot(ctx context.Context, h *hostState) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type job struct {
	seq uint64
	idx uint64
}

// run does the main pass; besides the open ports, it returns the silent
// pairs (timed out on every attempt) as bitsets of port indexes per host index.
func (s *scanner) run(ctx context.Context, st *State) ([]Open, map[uint64][]uint64, uint64, error) {
	total := st.Total
	np := uint64(len(s.ports))
	perm := newPermutation(total, st.Seed)
	for i := uint64(0); i < st.Done; i++ {
		perm.next()
	}
	open := append([]Open(nil), st.Open...)
	silent := map[uint64][]uint64{}
	jobs := make(chan job)
	type done struct {
		job
		res outcome
	}
	results := make(chan done, s.opt.Concurrency)
	var wg sync.WaitGroup
	worker := func() {
		defer wg.Done()
		for j := range jobs {
			r := s.probe(ctx, s.hosts[j.idx/np], s.ports[j.idx%np], 0)
			if ctx.Err() != nil {
				continue // an interrupted attempt is not done
			}
			results <- done{job: j, res: r}
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		workers := 0
		for seq := st.Done; seq < total; seq++ {
			j := job{seq: seq, idx: perm.next()}
			// A new worker only when none is free: where answers come at
			// once (loopback, near hosts) a few suffice, where attempts
			// wait their number grows to Concurrency.
			select {
			case jobs <- j:
				continue
			case <-ctx.Done():
				return
			default:
			}
			if workers < s.opt.Concurrency {
				workers++
				wg.Add(1)
				go worker()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	finished := map[uint64]bool{}
	lastSave := time.Now()
	lastProgress := time.Time{}
	for r := range results {
		switch r.res {
		case isOpen:
			open = append(open, Open{Addr: s.hosts[r.idx/np], Port: s.ports[r.idx%np]})
		case isFiltered:
			bits := silent[r.idx/np]
			if bits == nil {
				bits = make([]uint64, (np+63)/64)
				silent[r.idx/np] = bits
			}
			bits[r.idx%np/64] |= 1 << (r.idx % np % 64)
		}
		finished[r.seq] = true
		for finished[st.Done] {
			delete(finished, st.Done)
			st.Done++
		}
		st.Open = open
		if s.opt.StatePath != "" && time.Since(lastSave) > 2*time.Second {
			_ = st.Save(s.opt.StatePath)
			lastSave = time.Now()
		}
		if s.opt.Progress != nil && time.Since(lastProgress) > 200*time.Millisecond {
			s.opt.Progress(st.Done, total, len(open))
			lastProgress = time.Now()
		}
	}
	// Open ports beyond the watermark are kept: on resume, re-scanning them
	// would find them again, so drop duplicates then.
	open = dedup(open)
	st.Open = open
	if s.opt.Progress != nil {
		s.opt.Progress(st.Done, total, len(open))
	}
	if err := ctx.Err(); err != nil {
		return open, nil, st.Done, fmt.Errorf("scan interrompu après %d tentatives sur %d : %w", st.Done, total, err)
	}
	return open, silent, st.Done, nil
}

func dedup(in []Open) []Open {
	seen := map[Open]bool{}
	out := in[:0]
	for _, o := range in {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

// probe tries one port, again after a time-out (Retries), never after an
// answer; first is the index of the first attempt (its wait is doubled for
// each attempt before it).
func (s *scanner) probe(ctx context.Context, a netip.Addr, port, first int) outcome {
	h := s.host(a)
	release, err := s.hostSlot(ctx, h)
	if err != nil {
		return isFiltered
	}
	defer release()
	res := isFiltered
	local := 0
	for attempt := first; attempt <= first+s.opt.Retries; attempt++ {
		if s.global.wait(ctx) != nil || s.perHost.wait(ctx, a.String()) != nil {
			return isFiltered
		}
		start := time.Now()
		timeout := func() time.Duration { return s.rtt.timeout(a, attempt) }
		res = s.attempt(ctx, a, port, timeout)
		switch res {
		case isFiltered:
			continue
		case isLocalError:
			// Not the target's doing: wait for resources and try again,
			// without counting it as an attempt.
			if local++; local > localRetries || sleep(ctx, time.Duration(local)*10*time.Millisecond) != nil {
				return isFiltered
			}
			attempt--
			continue
		}
		s.rtt.observe(a, time.Since(start))
		if attempt > 0 {
			h.lossy.Store(true)
		}
		return res
	}
	if res == isLocalError {
		res = isFiltered
	}
	return res
}

// attempt makes one attempt with the scan's method.
func (s *scanner) attempt(ctx context.Context, a netip.Addr, port int, timeout func() time.Duration) outcome {
	if s.syn != nil {
		return s.syn.probe(ctx, a, port, timeout)
	}
	if s.fast {
		if res := fastConnect(ctx, a, port, timeout); res >= 0 {
			return res
		}
	}
	return s.connect(ctx, net.JoinHostPort(a.String(), strconv.Itoa(port)), timeout)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// connect waits at most timeout(), re-read while waiting: attempts started
// before any host answered give up as soon as the estimate allows.
func (s *scanner) connect(ctx context.Context, addr string, timeout func() time.Duration) outcome {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	var mu sync.Mutex
	var timer *time.Timer
	done := false
	var check func()
	check = func() {
		left := timeout() - time.Since(start)
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		if left <= 0 {
			cancel()
			return
		}
		timer = time.AfterFunc(min(left, 100*time.Millisecond), check)
	}
	mu.Lock()
	timer = time.AfterFunc(min(timeout(), 100*time.Millisecond), check)
	mu.Unlock()
	defer func() {
		mu.Lock()
		done = true
		timer.Stop()
		mu.Unlock()
	}()
	c, err := s.opt.Dial(cctx, "tcp", addr)
	if err == nil {
		c.Close()
		return isOpen
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return isClosed
	}
	if isLocal(err) {
		return isLocalError
	}
	return isFiltered
}

// isLocal tells errors of this machine (no descriptor, no source port, no
// buffer) from what the network answered.
func isLocal(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.EADDRNOTAVAIL, syscall.ENOBUFS, syscall.ENOMEM, syscall.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// recall tries once more the silent ports of the hosts that lost probes
// during the main pass, with a quarter of the per-host concurrency and a
// longer wait (the attempt continues the main pass's doubling). Hosts whose
// silent ports never answered a retry (a firewall that drops) are not tried
// again.
func (s *scanner) recall(ctx context.Context, silent map[uint64][]uint64) []Open {
	var pairs []Open
	for hi, bits := range silent {
		a := s.hosts[hi]
		if !s.host(a).lossy.Load() {
			continue
		}
		for w, word := range bits {
			for b := 0; word != 0; b, word = b+1, word>>1 {
				if word&1 != 0 {
					pairs = append(pairs, Open{Addr: a, Port: s.ports[w*64+b]})
				}
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	rs := &scanner{opt: s.opt, fast: s.fast, syn: s.syn, hosts: s.hosts, ports: s.ports, global: s.global, perHost: s.perHost, rtt: s.rtt,
		state: map[netip.Addr]*hostState{}}
	rs.opt.HostConcurrency = max(1, s.opt.HostConcurrency/4)
	rs.opt.Retries = 0 // one more attempt, with the doubled wait
	keep := make([]bool, len(pairs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, s.opt.Concurrency)
	for i, o := range pairs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			keep[i] = rs.probe(ctx, o.Addr, o.Port, s.opt.Retries+1) == isOpen
		}()
	}
	wg.Wait()
	var out []Open
	for i, o := range pairs {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}
