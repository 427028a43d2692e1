package checks

import (
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
)

// FuzzHostileObject plants one object with arbitrary attribute values and
// raw descriptors in a clean forest: no control point may crash (a panic
// would surface as an "erreur interne" not-evaluated result).
func FuzzHostileObject(f *testing.F) {
	f.Add(int64(0x200), "513", "133000000000000000", []byte{1, 0, 4, 0x80}, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0})
	f.Add(int64(-1), "abc", "B:8:xx:CN=x", []byte{}, []byte{1, 15})
	f.Fuzz(func(t *testing.T, uac int64, pgid, val string, sd, sid []byte) {
		fo := adtest.NewForest("lab.test", testNow)
		u := fo.User("hostile")
		u.SetInt("useraccountcontrol", uac).Set("primarygroupid", pgid)
		for _, a := range []string{"pwdlastset", "lastlogontimestamp", "whencreated", "serviceprincipalname",
			"msds-allowedtodelegateto", "operatingsystem", "msds-supportedencryptiontypes", "msds-resultantpso",
			"msds-assignedauthnpolicysilo", "msds-secondarykrbtgtnumber"} {
			u.Set(a, val)
		}
		u.SD = nil
		u.SetBin("ntsecuritydescriptor", sd).SetBin("msds-allowedtoactonbehalfofotheridentity", sd)
		u.SetBin("objectsid", sid).SetBin("sidhistory", sid)
		fo.ByRID(512).AddMember(u)
		fo.Get(fo.DomainDN).Set("gplink", val).Set("msds-behavior-version", val).Set("ms-ds-machineaccountquota", val)
		fo.Get("CN=Directory Service,CN=Windows NT,CN=Services,"+fo.ConfigDN).Set("dsheuristics", val)
		fo.Get("DC=lab.test,CN=MicrosoftDNS,DC=DomainDnsZones,"+fo.DomainDN).SetBin("dnsproperty", sd)
		fo.Add("CN=CA,CN=Certification Authorities,CN=Public Key Services,CN=Services,"+fo.ConfigDN, "certificationAuthority").SetBin("cacertificate", sd)
		fo.Add("CN=T,CN=System,"+fo.DomainDN, "trustedDomain").Set("trustdirection", val).Set("trustattributes", pgid)
		g := fo.Group("boucle")
		g.Set("member", val, g.DN, "CN="+val+",CN=ForeignSecurityPrincipals,"+fo.DomainDN)
		for id, r := range evaluate(t, fo) {
			if strings.Contains(r.Why, "erreur interne") {
				t.Fatalf("%s crashed: %s", id, r.Why)
			}
		}
	})
}
