package web

import (
	"context"
	"net/http"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	perim "vigie/internal/exposure/scope"
	"vigie/internal/store"
)

// Encryption modes of a stored directory connection (store.ADConnection.TLS):
// the values the AD collector accepts.
const (
	TLSLDAPS    = "ldaps"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// ExposureRequest is what an exposure audit launched from the UI scans.
type ExposureRequest struct {
	// Perimeter is the declared perimeter (already restricted to the
	// targets): the engine's scope guard refuses anything outside it.
	Perimeter *perim.Perimeter
	// Ports are the TCP ports to try, as returned by Engines.ParsePorts.
	Ports []int
	// AllowPrivateTargets lifts the engine's refusal of non-public
	// destinations (server started with --allow-private-targets, lab only).
	AllowPrivateTargets bool
}

// ScanProgress reports a port scan's progress: attempts done, attempts
// planned and open ports found so far.
type ScanProgress func(done, total uint64, open int)

// CollectProgress reports a directory collection's progress: the naming
// context being read and the objects read in it so far.
type CollectProgress func(namingContext string, objects int)

// Engines runs the audits launched from the UI. The web package does not
// drive the scanners and collectors itself: the application (package cli)
// passes the same wiring as « vigie exposure scan » and « vigie ad audit »
// in Config.Engines, and tests pass a fake.
type Engines interface {
	// ParsePorts reads a port list typed in the form (« default »,
	// « top-1000 », « 22,80,8000-8100 »).
	ParsePorts(spec string) ([]int, error)
	// ExposureAudit scans req and returns the judged audit.
	ExposureAudit(ctx context.Context, req ExposureRequest, progress ScanProgress) (*exposure.Audit, error)
	// ADAudit collects the directory reached by c and returns its analysis.
	ADAudit(ctx context.Context, c store.ADConnection, progress CollectProgress) (*ad.Report, error)
}

// errNoEngines answers an audit launch on a server built without engines.
var errNoEngines = &httpError{Status: http.StatusServiceUnavailable,
	Msg: "Les audits lancés depuis l'interface ne sont pas disponibles sur ce serveur."}
