package web

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	"vigie/internal/store"
)

// fakeEngines stands for the scanners and the collector (package cli
// implements the real ones and tests them): it records what the server
// asks and answers with a fixed audit, report or error.
type fakeEngines struct {
	mu       sync.Mutex
	exposure []ExposureRequest
	ad       []store.ADConnection
	// release, when set, holds ExposureAudit after a first progress report
	// until it is closed (or the job cancelled).
	release chan struct{}
	// adReport and adErr are ADAudit's answer.
	adReport *ad.Report
	adErr    error
}

// ParsePorts accepts « default » and comma-separated ports or ranges.
func (f *fakeEngines) ParsePorts(spec string) ([]int, error) {
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

// ExposureAudit records req, reports progress and finds one critical
// exposure on the first port of the first address of the perimeter.
func (f *fakeEngines) ExposureAudit(ctx context.Context, req ExposureRequest, progress ScanProgress) (*exposure.Audit, error) {
	f.mu.Lock()
	f.exposure = append(f.exposure, req)
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
	prefixes := req.Perimeter.Prefixes()
	if len(prefixes) == 0 || len(req.Ports) == 0 {
		return nil, errors.New("rien à scanner")
	}
	host := prefixes[0].Addr().String()
	fs := []exposure.Finding{{ID: "vnc-no-auth", Host: host, Port: req.Ports[0], Service: "vnc", Severity: exposure.Critical, Title: "VNC sans authentification"}}
	return &exposure.Audit{FinishedAt: fakeScanEnd, Complete: true, Findings: fs, Summary: exposure.Summarize(fs)}, nil
}

// ADAudit records the connection and answers adReport or adErr.
func (f *fakeEngines) ADAudit(ctx context.Context, c store.ADConnection, progress CollectProgress) (*ad.Report, error) {
	f.mu.Lock()
	f.ad = append(f.ad, c)
	rep, err := f.adReport, f.adErr
	f.mu.Unlock()
	progress("DC=valmont,DC=local", 2500)
	return rep, err
}

// setAD changes ADAudit's answer.
func (f *fakeEngines) setAD(rep *ad.Report, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.adReport, f.adErr = rep, err
}

// requests returns what the server asked so far.
func (f *fakeEngines) requests() ([]ExposureRequest, []store.ADConnection) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ExposureRequest(nil), f.exposure...), append([]store.ADConnection(nil), f.ad...)
}

// fakeScanEnd is when the fake exposure audits end: while the D1-2024
// declaration window is open (once closed, a new audit never enters the
// wave's verdict).
var fakeScanEnd = time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)

// addrOf parses an address for comparisons in tests.
func addrOf(s string) netip.Addr { return netip.MustParseAddr(s) }
