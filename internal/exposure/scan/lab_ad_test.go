package scan

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie/internal/ad/adlab"
	"vigie/internal/exposure"
	"vigie/internal/exposure/policy"
	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/testenv"
)

// The Samba lab DC's directory services, reached through the lab's relays
// on 127.0.42.13 on their usual ports and moved ones: an Active Directory
// reachable from outside is critical wherever it answers.
func TestLabDirectoryOnAnyPort(t *testing.T) {
	testenv.Need(t, labErr == "", "lab réseau : "+labErr)
	ctx := context.Background()
	lab, err := adlab.Start(ctx, "", testenv.Required())
	testenv.Need(t, err == nil, fmt.Sprintf("DC Samba de laboratoire : %v", err))
	defer lab.Stop(ctx)
	want := map[int]struct {
		service string
		class   string
	}{
		389: {"ldap", exposure.ClassADExposed}, 10389: {"ldap", exposure.ClassADExposed},
		636: {"ldaps", exposure.ClassADExposed},
		88:  {"kerberos", exposure.ClassKerberosExposed}, 10088: {"kerberos", exposure.ClassKerberosExposed},
		135: {"msrpc", exposure.ClassMSRPCExposed}, 10135: {"msrpc", exposure.ClassMSRPCExposed},
	}
	var ports []int
	for p := range want {
		ports = append(ports, p)
	}
	p, err := scope.Parse(strings.NewReader("net 127.0.42.13\n"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, Config{Perimeter: p, Ports: ports, Judges: []Judge{pol.Judge}, Probes: labProbes(t), ProbeTimeout: 8 * time.Second, AllowPrivateTargets: true,
		Now:  func() time.Time { return time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC) },
		Scan: portscan.Options{Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]exposure.Port{}
	for _, h := range res.Audit.Hosts {
		for _, pt := range h.Ports {
			got[pt.Port] = pt
		}
	}
	worst := map[int]exposure.Severity{}
	classes := map[int]map[string]string{}
	for _, f := range res.Audit.Findings {
		if w, ok := worst[f.Port]; !ok || f.Severity.Rank() < w.Rank() {
			worst[f.Port] = f.Severity
		}
		if classes[f.Port] == nil {
			classes[f.Port] = map[string]string{}
		}
		classes[f.Port][f.ID] = f.Evidence
	}
	for port, w := range want {
		pt := got[port]
		if pt.Service != w.service || !strings.Contains(pt.Product, "Samba") && w.service != "kerberos" && w.service != "msrpc" {
			t.Errorf("%d : service %q produit %q, attendu %q (Samba) ; bannière %q", port, pt.Service, pt.Product, w.service, pt.Banner)
		}
		ev, ok := classes[port][w.class]
		if !ok {
			t.Errorf("%d : constat %s absent (%v)", port, w.class, classes[port])
		}
		if worst[port] != exposure.Critical && port != 135 && port != 10135 {
			t.Errorf("%d : sévérité %q, attendu critique", port, worst[port])
		}
		if port >= 10000 && !strings.Contains(ev, "port inhabituel") {
			t.Errorf("%d : la preuve ne dit pas que le port est inhabituel : %q", port, ev)
		}
		if port == 10135 && worst[port] != worst[135] {
			t.Errorf("RPC : sévérité %q sur 10135, %q sur 135", worst[10135], worst[135])
		}
	}
}
