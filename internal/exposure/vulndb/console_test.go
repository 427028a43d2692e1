package vulndb

import (
	"testing"

	"vigie/internal/exposure/probe"
)

// The edge devices and consoles the web fingerprints name are the products
// whose version ranges the database holds, under the same name: a version
// found on the portal is judged.
func TestConsoleProductsKnown(t *testing.T) {
	db, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Products recognised without version ranges in the embedded file yet.
	noRanges := map[string]bool{"Cisco ASA AnyConnect": true}
	for _, a := range probe.DefaultWebApps().Apps {
		edge := false
		for _, c := range a.Detect {
			edge = edge || c.Class == "vpn-gateway" || c.Class == "exchange-owa"
		}
		if !edge || noRanges[a.Product] {
			continue
		}
		if !db.Knows(a.Product) {
			t.Errorf("empreinte %s : produit %q inconnu de la base de vulnérabilités (ajouter un alias dans ranges.json)", a.ID, a.Product)
		}
	}
	// Exchange's OWA version header is a build number the ranges compare.
	if vs := db.Match("Microsoft Exchange", "15.1.2176.2"); len(vs) == 0 {
		t.Error("Exchange 15.1.2176.2 (avant les correctifs ProxyShell) : aucune CVE trouvée")
	}
}
