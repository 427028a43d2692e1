package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
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
	// error the audit is not stored (a partial scan never counts). It
	// refuses non-public destinations (a *scope.NonPublicError) unless the
	// process runs with --allow-private-targets.
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

// ErrRefused marks a job that must not run as asked (perimeter no longer
// approved, controller no longer declared…): River does not retry it.
var ErrRefused = errors.New("audit refusé")

// refusedf returns an error wrapping ErrRefused.
func refusedf(format string, args ...any) error {
	return fmt.Errorf("%w : %s", ErrRefused, fmt.Sprintf(format, args...))
}

// approvedPrefix starts the reference of an entity's approved perimeter.
const approvedPrefix = "approved:"

// ApprovedRef references the approved perimeter of an entity as it is
// when the job runs: what a schedule scans.
func ApprovedRef(entity org.FINESS) string { return approvedPrefix + string(entity) }

// ApprovedVersionRef references one approved version of an entity's
// perimeter: what an audit launched from the web scans (the version the
// user saw). The job is refused if another version is current when it runs.
func ApprovedVersionRef(entity org.FINESS, version int) string {
	return approvedPrefix + string(entity) + ":" + strconv.Itoa(version)
}

// parseApprovedRef reads an approved reference (version 0: the current one).
func parseApprovedRef(ref string) (org.FINESS, int, bool) {
	rest, ok := strings.CutPrefix(ref, approvedPrefix)
	if !ok {
		return "", 0, false
	}
	ent, v, hasV := strings.Cut(rest, ":")
	f, err := org.ParseFINESS(ent)
	if err != nil {
		return "", 0, false
	}
	if !hasV {
		return f, 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return "", 0, false
	}
	return f, n, true
}

// StoredPerimeters resolves both kinds of references: the approved
// perimeter of an entity (ApprovedRef, ApprovedVersionRef: the declared
// perimeter of sec. « périmètres approuvés », only while its latest version
// is approved), and perimeter snapshots saved with
// Store.SavePerimeterSnapshot (« vigie exposure scan --queue --perimeter
// F », the reference being the snapshot's ID). A perimeter of another
// establishment than the job's is refused.
type StoredPerimeters struct{ Store *store.Store }

// Perimeter implements PerimeterSource.
func (p StoredPerimeters) Perimeter(ctx context.Context, entities []org.FINESS, ref string) (*scope.Perimeter, error) {
	if f, version, ok := parseApprovedRef(ref); ok {
		return p.approved(ctx, entities, f, version)
	}
	if strings.HasPrefix(ref, approvedPrefix) {
		return nil, refusedf("référence de périmètre illisible %q", ref)
	}
	text, err := p.Store.PerimeterSnapshot(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refusedf("%v", err)
	}
	if err != nil {
		return nil, err
	}
	per, err := scope.Parse(strings.NewReader(text))
	if err != nil {
		return nil, refusedf("périmètre %s : %v", ref, err)
	}
	if per.Empty() {
		return nil, refusedf("périmètre %s : vide", ref)
	}
	for _, e := range per.Entities {
		if !slices.Contains(entities, org.FINESS(e)) {
			return nil, refusedf("périmètre %s : l'établissement %s n'est pas celui de la tâche", ref, e)
		}
	}
	return per, nil
}

// approved reads the approved perimeter of f, checked at run time: it
// must still be approved (a newer version waiting for approval suspends the
// audits) and, when the job names a version, still be that version.
func (p StoredPerimeters) approved(ctx context.Context, entities []org.FINESS, f org.FINESS, version int) (*scope.Perimeter, error) {
	if len(entities) != 1 || entities[0] != f {
		return nil, refusedf("le périmètre approuvé de %s ne couvre que cet établissement", f)
	}
	ap, err := p.Store.ApprovedExposurePerimeter(ctx, f)
	if errors.Is(err, store.ErrNotApproved) {
		return nil, refusedf("%v", err)
	}
	if err != nil {
		return nil, err
	}
	if version != 0 && ap.Version != version {
		return nil, refusedf("le périmètre de %s approuvé au lancement (version %d) a été remplacé par la version %d : relancez l'audit", f, version, ap.Version)
	}
	per, err := scope.Parse(strings.NewReader(ap.Text))
	if err != nil {
		return nil, refusedf("périmètre approuvé de %s (version %d) illisible : %v", f, ap.Version, err)
	}
	if per.Empty() {
		return nil, refusedf("périmètre approuvé de %s (version %d) vide", f, ap.Version)
	}
	per.Entities = []string{string(f)}
	return per, nil
}

// StoredConnections reads the sealed connections saved from the web
// application (Store.ADConnectionOf) and lets a job reach only a domain
// controller declared for the directory when it runs (the declaration
// may have changed since the connection was saved).
type StoredConnections struct{ Store *store.Store }

// Connection implements ConnectionSource.
func (c StoredConnections) Connection(ctx context.Context, applicant, directory string) (store.ADConnection, error) {
	conn, err := c.Store.ADConnectionOf(ctx, applicant, directory)
	if errors.Is(err, store.ErrNotFound) {
		return store.ADConnection{}, refusedf("aucune connexion enregistrée pour l'annuaire %s", directory)
	}
	if err != nil {
		return store.ADConnection{}, err
	}
	dcs, err := c.Store.DomainControllers(ctx, directory)
	if err != nil {
		return store.ADConnection{}, err
	}
	host := normalizeHost(conn.Host)
	var declared []string
	for _, d := range dcs {
		if d.Host == host {
			return conn, nil
		}
		declared = append(declared, d.Host)
	}
	if len(declared) == 0 {
		return store.ADConnection{}, refusedf("aucun contrôleur de domaine n'est déclaré pour l'annuaire %s", directory)
	}
	return store.ADConnection{}, refusedf("le contrôleur %s n'est pas déclaré pour l'annuaire %s (déclarés : %s)", conn.Host, directory, strings.Join(declared, ", "))
}

// normalizeHost writes a host as the controllers are declared: an IP
// address in its canonical form, a DNS name in lower case without the
// final dot.
func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if a, err := netip.ParseAddr(h); err == nil {
		return a.String()
	}
	if n, err := scope.NormalizeName(h); err == nil {
		return n
	}
	return h
}
