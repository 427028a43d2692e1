package jobs

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad"
	"vigie/internal/exposure"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scan"
	"vigie/internal/exposure/scope"
	"vigie/internal/org"
	"vigie/internal/store"
)

// TestApprovedPerimeters: a job scans the approved perimeter of its
// entity only while it is approved, and a job launched on a version
// refuses to scan another one.
func TestApprovedPerimeters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	src := StoredPerimeters{Store: st}
	refused := func(ref string, entities ...org.FINESS) string {
		t.Helper()
		_, err := src.Perimeter(ctx, entities, ref)
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("%s for %v: %v, want a refusal", ref, entities, err)
		}
		return err.Error()
	}
	if msg := refused(ApprovedRef(ej), ej); !strings.Contains(msg, "aucun périmètre d'exposition approuvé") {
		t.Errorf("no perimeter: %s", msg)
	}
	if _, _, err := st.RecordExposurePerimeter(ctx, ej, "net 192.0.2.0/29\n", "rssi"); err != nil {
		t.Fatal(err)
	}
	refused(ApprovedRef(ej), ej) // recorded, not approved
	if err := st.ApproveExposurePerimeter(ctx, ej, 1, "referent"); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{ApprovedRef(ej), ApprovedVersionRef(ej, 1)} {
		p, err := src.Perimeter(ctx, []org.FINESS{ej}, ref)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if pre := p.Prefixes(); len(pre) != 1 || pre[0].String() != "192.0.2.0/29" || len(p.Entities) != 1 || p.Entities[0] != string(ej) {
			t.Errorf("%s: %v for %v", ref, pre, p.Entities)
		}
	}
	other := fin(t, "69000456")
	refused(ApprovedRef(ej), other)
	refused(ApprovedRef(ej), ej, other)
	refused("approved:pas-un-finess", ej)
	// A new version waits for approval: every job of the entity is suspended.
	if _, _, err := st.RecordExposurePerimeter(ctx, ej, "net 192.0.2.0/30\n", "rssi"); err != nil {
		t.Fatal(err)
	}
	refused(ApprovedRef(ej), ej)
	if err := st.ApproveExposurePerimeter(ctx, ej, 2, "referent"); err != nil {
		t.Fatal(err)
	}
	if msg := refused(ApprovedVersionRef(ej, 1), ej); !strings.Contains(msg, "remplacé par la version 2") {
		t.Errorf("launched on version 1, version 2 approved since: %s", msg)
	}
	if p, err := src.Perimeter(ctx, []org.FINESS{ej}, ApprovedRef(ej)); err != nil || p.Prefixes()[0].String() != "192.0.2.0/30" {
		t.Errorf("current approved version: %v %v", p, err)
	}
	// Snapshots of « exposure scan --queue --perimeter » still resolve.
	ref, err := st.SavePerimeterSnapshot(ctx, "entity "+string(ej)+"\nnet 198.51.100.0/30\n", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Perimeter(ctx, []org.FINESS{ej}, ref); err != nil {
		t.Errorf("snapshot: %v", err)
	}
	refused(ref, other)
	refused("0000", ej)
}

// TestDeclaredControllers: an AD job reaches its stored connection's host
// only while it is a declared controller of the directory.
func TestDeclaredControllers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	app, err := st.ApplicantOf(ctx, ej)
	if err != nil {
		t.Fatal(err)
	}
	src := StoredConnections{Store: st}
	if _, err := src.Connection(ctx, app.ID, "ad-essai"); !errors.Is(err, ErrRefused) {
		t.Fatalf("no connection: %v", err)
	}
	c := store.ADConnection{Host: "DC1.essai.local.", Port: 636, TLS: "ldaps", User: "svc", Password: "secret"}
	if err := st.SaveADConnection(ctx, app.ID, "ad-essai", c, "rssi"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Connection(ctx, app.ID, "ad-essai"); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "aucun contrôleur de domaine n'est déclaré") {
		t.Fatalf("no controller declared: %v", err)
	}
	if err := st.SetDomainControllers(ctx, app.ID, "ad-essai", []string{"dc2.essai.local"}, "referent"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Connection(ctx, app.ID, "ad-essai"); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "déclarés : dc2.essai.local") {
		t.Fatalf("undeclared controller: %v", err)
	}
	if err := st.SetDomainControllers(ctx, app.ID, "ad-essai", []string{"dc1.essai.local", "dc2.essai.local"}, "referent"); err != nil {
		t.Fatal(err)
	}
	if got, err := src.Connection(ctx, app.ID, "ad-essai"); err != nil || got != c {
		t.Fatalf("declared controller: %+v %v", got, err)
	}
}

// TestPrivateTargetGuard runs the real scanner in a worker without
// --allow-private-targets: a loopback perimeter is refused before any
// connection and the job is cancelled (not retried), nothing stored.
func TestPrivateTargetGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ej := openTestStore(t, databases[0].dsn(t), testKey())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	ref, err := st.SavePerimeterSnapshot(ctx, "net 127.0.0.1/32\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	engines := Engines{ParsePorts: portscan.ParseSet,
		Exposure: func(ctx context.Context, p *scope.Perimeter, ports []int, progress func(done, total uint64, open int)) (*exposure.Audit, error) {
			res, err := scan.Run(ctx, scan.Config{Perimeter: p, Ports: ports, NoProbe: true,
				Scan: portscan.Options{Timeout: time.Second, Progress: progress}})
			if err != nil {
				return nil, err
			}
			return res.Audit, nil
		},
		AD: func(context.Context, store.ADConnection, func(string, int)) (*ad.Report, error) {
			return nil, errors.New("non")
		},
	}
	e := startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: engines, PollInterval: 50 * time.Millisecond})
	port := ln.Addr().(*net.TCPAddr).Port
	id, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:"), By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJob(t, e, id, 30*time.Second, Job.Finished)
	if j.State != "cancelled" || j.Attempt != 1 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "pas une adresse publique") {
		t.Fatalf("loopback target without --allow-private-targets (port %d): %+v", port, j)
	}
	select {
	case <-accepted:
		t.Error("the guarded scan connected to the loopback target")
	default:
	}
	if f, _ := st.LoadFacts(ctx, string(ej)); len(f.ExposureAudits) != 0 {
		t.Errorf("audit stored: %+v", f.ExposureAudits)
	}
}
