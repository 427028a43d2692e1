package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"vigie/internal/ad"
	"vigie/internal/ad/ldapcollect"
	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/probe"
	"vigie/internal/exposure/scan"
	"vigie/internal/exposure/scope"
	"vigie/internal/store"
)

// Scan settings of the audits launched from the UI: gentler than the
// command's defaults, since the server runs them unattended.
const (
	webScanConcurrency     = 256
	webScanHostConcurrency = 64
	webScanTimeout         = 1500 * time.Millisecond
	webProbeTimeout        = 4 * time.Second
)

// engines runs the queued audits (see jobEngines) with the wiring of
// « vigie exposure scan » and « vigie ad audit ».
type engines struct{ env *Env }

// exposureRequest is what a queued exposure audit scans.
type exposureRequest struct {
	// Perimeter is the declared perimeter (already restricted to the
	// targets): the scope guard of scan.Run refuses anything outside it.
	Perimeter *scope.Perimeter
	// Ports are the TCP ports to try.
	Ports []int
	// AllowPrivateTargets lifts the refusal of non-public destinations
	// (--allow-private-targets, lab only).
	AllowPrivateTargets bool
}

// ExposureAudit scans req.Perimeter (the scope guard of scan.Run refuses
// anything outside it) and judges the services with the default policy and,
// when installed, the vulnerability database.
func (e engines) ExposureAudit(ctx context.Context, req exposureRequest, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
	if req.Perimeter == nil || req.Perimeter.Empty() {
		return nil, errors.New("périmètre vide")
	}
	res, err := perimeterResolver(req.Perimeter, "")
	if err != nil {
		return nil, fmt.Errorf("résolveur DNS : %w", err)
	}
	judges, err := exposureJudges(e.env, "")
	if err != nil {
		return nil, err
	}
	set, err := probeSet(probe.DefaultNmapProbes)
	if err != nil {
		return nil, err
	}
	cfg := scan.Config{
		Probes: set, Perimeter: req.Perimeter, Resolver: res, Ports: req.Ports,
		ProbeTimeout: webProbeTimeout, MaxAddresses: scope.DefaultMaxAddresses, Now: e.env.Now, Judges: judges,
		AllowPrivateTargets: req.AllowPrivateTargets,
		Scan: portscan.Options{Concurrency: webScanConcurrency, HostConcurrency: webScanHostConcurrency,
			Timeout: webScanTimeout, Retries: 1, Progress: progress},
	}
	result, err := scan.Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return result.Audit, nil
}

// ADAudit collects the directory with a simple bind (the CA, when given,
// lives in a temporary file for the collection only) and analyses it as
// « vigie ad audit » does.
func (e engines) ADAudit(ctx context.Context, c store.ADConnection, progress func(namingContext string, objects int)) (*ad.Report, error) {
	cfg := ldapcollect.Config{Host: c.Host, Port: c.Port, TLS: c.TLS, AllowCleartext: c.TLS == ldapcollect.TLSNone,
		Auth: ldapcollect.AuthSimple, User: c.User, Password: c.Password}
	if c.CAPEM != "" {
		f, err := os.CreateTemp("", "vigie-ca-*.pem")
		if err != nil {
			return nil, fmt.Errorf("certificat de l'autorité : %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.WriteString(c.CAPEM)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("certificat de l'autorité : %w", err)
		}
		cfg.CAFile = f.Name()
	}
	opts := ldapcollect.Options{PageSize: 1000, Now: e.env.Now}
	if progress != nil {
		opts.Progress = func(p ldapcollect.Progress) { progress(p.NamingContext, p.Objects) }
	}
	return AuditReport(ctx, e.env, cfg, opts, ad.Options{})
}
