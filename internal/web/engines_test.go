package web

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	perim "vigie/internal/exposure/scope"
	"vigie/internal/jobs"
	"vigie/internal/store"
)

// fakeEngines stands for the scanners and the collector (package cli
// implements the real ones and tests them): the job engine's workers run
// it; it records what they ask and answers with a fixed audit, report or
// error.
type fakeEngines struct {
	mu       sync.Mutex
	exposure []exposureCall
	ad       []store.ADConnection
	// release, when set, holds the exposure audit after a first progress
	// report until it is closed (or the job cancelled).
	release chan struct{}
	// adReport and adErr are the AD audit's answer.
	adReport *ad.Report
	adErr    error
}

// exposureCall is what a worker asked the exposure engine.
type exposureCall struct {
	Perimeter *perim.Perimeter
	Ports     []int
}

// parsePorts accepts « default » and comma-separated ports or ranges.
func parsePorts(spec string) ([]int, error) {
	if spec == "default" {
		return []int{22, 80, 443}, nil
	}
	var ports []int
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b > 65535 || a > b {
			return nil, fmt.Errorf("port %q invalide", part)
		}
		for p := a; p <= b; p++ {
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// engines returns the audit engines of the job workers.
func (f *fakeEngines) engines() jobs.Engines {
	return jobs.Engines{ParsePorts: parsePorts, Exposure: f.exposureAudit, AD: f.adAudit}
}

// exposureAudit records the call, reports progress and finds one critical
// exposure on the first port of the first address of the perimeter.
func (f *fakeEngines) exposureAudit(ctx context.Context, p *perim.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
	f.mu.Lock()
	f.exposure = append(f.exposure, exposureCall{Perimeter: p, Ports: ports})
	f.mu.Unlock()
	progress(45, 100, 1)
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	progress(100, 100, 1)
	prefixes := p.Prefixes()
	if len(prefixes) == 0 || len(ports) == 0 {
		return nil, errors.New("rien à scanner")
	}
	host := prefixes[0].Addr().String()
	fs := []exposure.Finding{{ID: "vnc-no-auth", Host: host, Port: ports[0], Service: "vnc", Severity: exposure.Critical, Title: "VNC sans authentification"}}
	return &exposure.Audit{FinishedAt: fakeScanEnd, Complete: true, Findings: fs, Summary: exposure.Summarize(fs)}, nil
}

// adAudit records the connection and answers adReport or adErr.
func (f *fakeEngines) adAudit(ctx context.Context, c store.ADConnection, progress func(string, int)) (*ad.Report, error) {
	f.mu.Lock()
	f.ad = append(f.ad, c)
	rep, err := f.adReport, f.adErr
	f.mu.Unlock()
	progress("DC=valmont,DC=local", 2500)
	return rep, err
}

// setAD changes the AD audit's answer.
func (f *fakeEngines) setAD(rep *ad.Report, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.adReport, f.adErr = rep, err
}

// requests returns what the workers asked so far.
func (f *fakeEngines) requests() ([]exposureCall, []store.ADConnection) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]exposureCall(nil), f.exposure...), append([]store.ADConnection(nil), f.ad...)
}

// openJobs opens a job engine on st running f (nil: an engine that only
// queues and reads jobs, as « vigie serve --workers 0 »); it is stopped
// and closed at the end of the test.
func openJobs(t *testing.T, st *store.Store, f *fakeEngines) *jobs.Engine {
	t.Helper()
	ctx := context.Background()
	cfg := jobs.Config{Store: st, ID: "essai", PollInterval: 50 * time.Millisecond, Engines: jobs.Engines{ParsePorts: parsePorts}}
	if f != nil {
		cfg.Queues, cfg.Engines = map[string]int{jobs.QueueExposure: 2, jobs.QueueAD: 1}, f.engines()
	}
	e, err := jobs.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if f != nil {
		if err := e.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			e.Stop(stop)
		})
	}
	return e
}

// fakeScanEnd is when the fake exposure audits end: while the D1-2024
// declaration window is open (once closed, a new audit never enters the
// wave's verdict).
var fakeScanEnd = time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)
