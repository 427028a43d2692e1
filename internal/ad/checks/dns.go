package checks

import (
	"encoding/binary"
	"fmt"
	"strings"

	"vigie/internal/ad/model"
)

func dnsChecks() []Check {
	return []Check{{ID: "vuln_dnszone_bad_prop", Needs: Needs{NC: []string{"dns-domain"}, Attrs: []string{"objectclass", "dc", "dnsproperty"},
		Targets: []Target{{What: "zones DNS intégrées à l'Active Directory (dnsZone)",
			Find: func(d *model.Directory) []*model.Object { return d.OfClass("dnsZone") }}}}, Run: runDNSZones}}
}

// DNS zone property IDs and update modes (MS-DNSP 2.3.2.1.1).
const (
	dnsPropAllowUpdate = 0x02
	zoneUpdateUnsecure = 1
)

// DNSProperty is one decoded dNSProperty value.
type DNSProperty struct {
	ID   uint32
	Data []byte
}

// ParseDNSProperty decodes a dNSProperty value; it never panics.
func ParseDNSProperty(b []byte) (DNSProperty, error) {
	if len(b) < 20 {
		return DNSProperty{}, fmt.Errorf("dNSProperty trop court (%d octets, 20 au moins)", len(b))
	}
	n := binary.LittleEndian.Uint32(b[0:4])
	if uint64(n) > uint64(len(b)-20) {
		return DNSProperty{}, fmt.Errorf("dNSProperty : %d octets de données annoncés, %d disponibles", n, len(b)-20)
	}
	return DNSProperty{ID: binary.LittleEndian.Uint32(b[16:20]), Data: b[20 : 20+n]}, nil
}

func runDNSZones(c *Context) ([]Failure, error) {
	d := c.Dir
	domainZones := map[string]bool{}
	for _, dom := range d.Domains {
		domainZones[strings.ToLower(dom.DNS)] = true
		domainZones["_msdcs."+strings.ToLower(dom.DNS)] = true
	}
	var g1, g3 []ObjectRef
	for _, o := range c.Targets[0] {
		if len(o.All("dnsproperty")) > 0 {
			return nil, skip("zone %s : dNSProperty enregistré comme texte par un collecteur antérieur, les propriétés binaires sont perdues : refaire la collecte", o.DN)
		}
		name := strings.ToLower(o.Get("dc"))
		if name == "" {
			first, _, _ := strings.Cut(o.Key, ",")
			_, name, _ = strings.Cut(first, "=")
		}
		for _, raw := range o.BinaryAll("dnsproperty") {
			p, err := ParseDNSProperty(raw)
			if err != nil {
				return nil, skip("zone %s : %v", o.DN, err)
			}
			if p.ID == dnsPropAllowUpdate && len(p.Data) > 0 && p.Data[0] == zoneUpdateUnsecure {
				r := ObjectRef{DN: o.DN, Sam: name, Detail: "mises à jour dynamiques non sécurisées autorisées"}
				g3 = append(g3, r)
				if domainZones[name] {
					g1 = append(g1, r)
				}
			}
		}
	}
	return append(failIf(1, "", g1), failIf(3, "", g3)...), nil
}
