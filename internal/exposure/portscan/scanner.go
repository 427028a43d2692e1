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
	Retries      int    // extra attempts after a time-out (never after a refusal) [0]
	NoVerify     bool   // skip the verification pass on open ports
	Seed         uint64 // order of the scan; 0 draws one at random
	StatePath    string // state file: resumed if present and matching, updated as it goes, removed once complete
	Dial         DialFunc
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
}

type outcome int

const (
	isClosed outcome = iota
	isOpen
	isFiltered
)

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
		perHost:  &hostPacers{rate: opt.PerHostRate, m: map[string]*pacer{}},
		inFlight: map[netip.Addr]chan struct{}{}}
	found, done, err := s.run(ctx, st)
	res.Done = done
	res.Complete = err == nil && done == total
	if err == nil && !opt.NoVerify {
		found = s.verify(ctx, found)
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
	hosts   []netip.Addr
	ports   []int
	global  *pacer
	perHost *hostPacers
	rtt     *rtt

	mu       sync.Mutex
	inFlight map[netip.Addr]chan struct{} // per-host semaphores
}

// hostSlot takes one of the host's in-flight slots; release gives it back.
func (s *scanner) hostSlot(ctx context.Context, a netip.Addr) (release func(), err error) {
	s.mu.Lock()
	sem, ok := s.inFlight[a]
	if !ok {
		sem = make(chan struct{}, s.opt.HostConcurrency)
		s.inFlight[a] = sem
	}
	s.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type job struct {
	seq uint64
	idx uint64
}

func (s *scanner) run(ctx context.Context, st *State) ([]Open, uint64, error) {
	total := st.Total
	perm := newPermutation(total, st.Seed)
	for i := uint64(0); i < st.Done; i++ {
		perm.next()
	}
	open := append([]Open(nil), st.Open...)
	jobs := make(chan job)
	type done struct {
		seq uint64
		o   *Open
	}
	results := make(chan done, s.opt.Concurrency)
	var wg sync.WaitGroup
	for w := 0; w < s.opt.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				a := s.hosts[j.idx/uint64(len(s.ports))]
				p := s.ports[j.idx%uint64(len(s.ports))]
				var o *Open
				if s.probe(ctx, a, p) == isOpen {
					o = &Open{Addr: a, Port: p}
				}
				if ctx.Err() != nil {
					continue // an interrupted attempt is not done
				}
				results <- done{seq: j.seq, o: o}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for seq := st.Done; seq < total; seq++ {
			select {
			case jobs <- job{seq: seq, idx: perm.next()}:
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
		if r.o != nil {
			open = append(open, *r.o)
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
		return open, st.Done, fmt.Errorf("scan interrompu après %d tentatives sur %d : %w", st.Done, total, err)
	}
	return open, st.Done, nil
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

// probe connects with retries on time-outs; a refusal is final.
func (s *scanner) probe(ctx context.Context, a netip.Addr, port int) outcome {
	addr := net.JoinHostPort(a.String(), strconv.Itoa(port))
	res := isFiltered
	release, err := s.hostSlot(ctx, a)
	if err != nil {
		return isFiltered
	}
	defer release()
	for attempt := 0; attempt <= s.opt.Retries; attempt++ {
		if s.global.wait(ctx) != nil || s.perHost.wait(ctx, a.String()) != nil {
			return isFiltered
		}
		start := time.Now()
		timeout := func() time.Duration { return s.rtt.timeout(a, attempt) }
		res = -1
		if s.fast {
			res = fastConnect(ctx, a, port, timeout)
		}
		if res < 0 {
			res = s.connect(ctx, addr, timeout)
		}
		if res != isFiltered {
			s.rtt.observe(a, time.Since(start))
			return res
		}
	}
	return res
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
	return isFiltered
}

// verify connects again to each open port and keeps those that still answer
// (a port that accepted once but no longer does is dropped).
func (s *scanner) verify(ctx context.Context, open []Open) []Open {
	keep := make([]bool, len(open))
	var wg sync.WaitGroup
	sem := make(chan struct{}, s.opt.Concurrency)
	for i, o := range open {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			keep[i] = s.probe(ctx, o.Addr, o.Port) == isOpen
		}()
	}
	wg.Wait()
	out := open[:0]
	for i, o := range open {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}
