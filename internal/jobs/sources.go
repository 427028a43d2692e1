package jobs

import (
	"context"
	"fmt"
	"strings"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	"vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// Engines run the audits. The application (package cli) wires them as it
// wires « vigie exposure scan » and « vigie ad audit »; tests pass their own.
type Engines struct {
	// Exposure scans perimeter on ports and returns the judged audit. On an
	// error the audit is not stored (a partial scan never counts).
	Exposure func(ctx context.Context, perimeter *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error)
	// AD collects the directory reached by c and returns its analysis.
	AD func(ctx context.Context, c store.ADConnection, progress func(namingContext string, objects int)) (*ad.Report, error)
	// ParsePorts reads a port list; it must accept what Exposure is given.
	ParsePorts func(spec string) ([]int, error)
}

// PerimeterSource resolves the perimeter reference of an exposure job. It
// is the seam where approved perimeters plug in: the job only carries the
// entities and a reference, and the source decides what that reference
// means and whether it may be scanned.
type PerimeterSource interface {
	Perimeter(ctx context.Context, entities []org.FINESS, ref string) (*scope.Perimeter, error)
}

// ConnectionSource resolves the connection of an AD job's directory: the
// seam where declared domain controllers plug in.
type ConnectionSource interface {
	Connection(ctx context.Context, applicant, directory string) (store.ADConnection, error)
}

// StoredPerimeters reads perimeter snapshots saved with
// Store.SavePerimeterSnapshot (the reference is the snapshot's ID). A
// perimeter whose « entity » lines name other establishments than the
// job's is refused.
type StoredPerimeters struct{ Store *store.Store }

// Perimeter implements PerimeterSource.
func (p StoredPerimeters) Perimeter(ctx context.Context, entities []org.FINESS, ref string) (*scope.Perimeter, error) {
	text, err := p.Store.PerimeterSnapshot(ctx, ref)
	if err != nil {
		return nil, err
	}
	per, err := scope.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("périmètre %s : %w", ref, err)
	}
	if per.Empty() {
		return nil, fmt.Errorf("périmètre %s : vide", ref)
	}
	allowed := map[string]bool{}
	for _, e := range entities {
		allowed[string(e)] = true
	}
	for _, e := range per.Entities {
		if !allowed[e] {
			return nil, fmt.Errorf("périmètre %s : l'établissement %s n'est pas celui de la tâche", ref, e)
		}
	}
	return per, nil
}

// StoredConnections reads the sealed connections saved from the web
// application (Store.ADConnectionOf).
type StoredConnections struct{ Store *store.Store }

// Connection implements ConnectionSource.
func (c StoredConnections) Connection(ctx context.Context, applicant, directory string) (store.ADConnection, error) {
	return c.Store.ADConnectionOf(ctx, applicant, directory)
}
