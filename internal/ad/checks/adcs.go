package checks

import (
	"crypto/dsa" //nolint:staticcheck // DSA keys must be recognised to be reported
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"

	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func adcsChecks() []Check {
	pki := Target{What: "conteneurs de l'infrastructure de clés (CN=Public Key Services,CN=Services de la configuration)", Find: pkiObjects}
	tpl := Target{What: "modèles de certificats", Optional: true, Filter: "(objectClass=pKICertificateTemplate)", Find: func(d *model.Directory) []*model.Object { return templates(d) }}
	pkiAttrs := with("ntsecuritydescriptor", "dnshostname", "certificatetemplates", "cn")
	return []Check{
		{ID: "vuln_adcs_control", Needs: Needs{SD: true, NC: []string{"configuration"}, Attrs: pkiAttrs, Optional: kb5008383Attrs,
			Targets: []Target{pki}}, Run: runADCSControl},
		{ID: "vuln_adcs_template_control", Needs: Needs{SD: true, NC: []string{"configuration"}, Attrs: pkiAttrs, Optional: kb5008383Attrs,
			Targets: []Target{pki, tpl}}, Run: runTemplateControl},
		{ID: "vuln_adcs_template_auth_enroll_with_name", Needs: Needs{SD: true, NC: []string{"configuration"},
			Attrs:   attrs(pkiAttrs, []string{"mspki-certificate-name-flag", "mspki-enrollment-flag", "mspki-ra-signature", "pkiextendedkeyusage"}),
			Targets: []Target{pki, tpl}}, Run: runESC1},
		{ID: "vuln_certificates_vuln", Needs: Needs{NC: []string{"configuration"}, Attrs: []string{"cacertificate"}, Targets: []Target{pki}},
			Run: runWeakCertificates},
	}
}

// pkiRoot returns the normalised DN of CN=Public Key Services, or "".
func pkiRoot(d *model.Directory) string {
	if c := configDN(d); c != "" {
		return model.NormDN("CN=Public Key Services,CN=Services," + c)
	}
	return ""
}

func under(o *model.Object, root string) bool {
	return root != "" && (o.Key == root || strings.HasSuffix(o.Key, ","+root))
}

// pkiObjects are the PKI containers and their objects, templates and OIDs
// excepted (vuln_adcs_template_control's scope).
func pkiObjects(d *model.Directory) []*model.Object {
	root := pkiRoot(d)
	if root == "" {
		return nil
	}
	oid := "cn=oid," + root
	return filter(d, func(o *model.Object) bool {
		return under(o, root) && !o.IsClass("pKICertificateTemplate") && !under(o, oid)
	})
}

// caPublication lists, per CA host computer account, the PKI objects it
// writes itself: its AIA entry, its CDP container and CRLs, and its
// enrollment service object (ANSSI/ADS-Open exception: the CA publishing
// its own certificate and revocation lists is not a control path).
func caPublication(d *model.Directory) map[secdesc.SID][]string {
	root := pkiRoot(d)
	byHost := map[string]*model.Object{}
	for _, o := range d.Accounts {
		if !o.IsComputer() {
			continue
		}
		if h := strings.ToLower(o.Get("dnshostname")); h != "" {
			byHost[h] = o
		}
		byHost[strings.ToLower(strings.TrimSuffix(o.Sam(), "$"))] = o
	}
	out := map[secdesc.SID][]string{}
	for _, es := range d.OfClass("pKIEnrollmentService") {
		host := strings.ToLower(es.Get("dnshostname"))
		short, _, _ := strings.Cut(host, ".")
		comp := byHost[host]
		if comp == nil {
			comp = byHost[short]
		}
		ca := strings.ToLower(es.Get("cn"))
		if comp == nil || comp.SID == "" || ca == "" {
			continue
		}
		out[comp.SID] = append(out[comp.SID], "cn="+ca+",cn=aia,"+root, "cn="+short+",cn=cdp,"+root, es.Key)
	}
	return out
}

// certPublishersAreCAs reports whether every member of a Cert Publishers
// group is a CA host computer (or the group is empty): its default rights
// on the PKI containers then belong to the PKI itself.
func certPublishersAreCAs(d *model.Directory, g secdesc.SID, cas map[secdesc.SID][]string) bool {
	o := d.BySID(g)
	if o == nil {
		return false
	}
	for _, m := range d.MembersRec(d.NodeOf(o)) {
		s := d.SIDOf(m)
		if mo := d.ObjectOf(m); mo != nil && mo.IsGroup() {
			continue
		}
		if _, ok := cas[s]; !ok {
			return false
		}
	}
	return true
}

func runADCSControl(c *Context) ([]Failure, error) {
	d := c.Dir
	cas := caPublication(d)
	accept := func(o *model.Object, t secdesc.SID, r model.Right) model.Right {
		for _, k := range cas[t] {
			if o.Key == k || strings.HasSuffix(o.Key, ","+k) {
				return r
			}
		}
		if rid, _ := t.RID(); t.Domain() != "" && rid == model.RIDCertPublishers && certPublishersAreCAs(d, t, cas) {
			return r
		}
		return 0
	}
	return c.aclFailures(c.Targets[0], aclSpec{g1: model.Write, accept: accept})
}

// publishedTemplates returns the template names published by an
// enrollment service (lower case).
func publishedTemplates(d *model.Directory) map[string]bool {
	out := map[string]bool{}
	for _, o := range d.OfClass("pKIEnrollmentService") {
		for _, t := range o.All("certificatetemplates") {
			out[strings.ToLower(t)] = true
		}
	}
	return out
}

func templates(d *model.Directory) []*model.Object {
	return d.OfClass("pKICertificateTemplate")
}

func runTemplateControl(c *Context) ([]Failure, error) {
	d := c.Dir
	pub := publishedTemplates(d)
	var published, other []*model.Object
	for _, t := range c.Targets[1] {
		if pub[strings.ToLower(t.Get("cn"))] {
			published = append(published, t)
		} else {
			other = append(other, t)
		}
	}
	write := model.RGenericAll | model.RGenericWrite | model.RWriteDACL | model.RWriteOwner | model.ROwner |
		model.RWriteProp | model.RWriteScript
	var out []Failure
	if len(published) > 0 {
		f, err := c.aclFailures(published, aclSpec{g1: write})
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	if len(other) > 0 {
		f, err := c.aclFailures(other, aclSpec{g1: write})
		if err != nil {
			return nil, err
		}
		for _, x := range f {
			x.Grade = 2
			x.Detail = "modèles non publiés"
			out = append(out, x)
		}
	}
	return out, nil
}

// authEKUs are extended key usages that allow domain authentication.
var authEKUs = map[string]bool{"1.3.6.1.5.5.7.3.2": true, "1.3.6.1.4.1.311.20.2.2": true, "1.3.6.1.5.2.3.4": true, "2.5.29.37.0": true}

func runESC1(c *Context) ([]Failure, error) {
	d := c.Dir
	pub := publishedTemplates(d)
	var candidates []*model.Object
	for _, t := range c.Targets[1] {
		if !pub[strings.ToLower(t.Get("cn"))] {
			continue
		}
		nameFlag, _ := t.Int("mspki-certificate-name-flag")
		enrollFlag, _ := t.Int("mspki-enrollment-flag")
		ra, _ := t.Int("mspki-ra-signature")
		if nameFlag&0x1 == 0 || enrollFlag&0x2 != 0 || ra != 0 {
			continue
		}
		ekus := t.All("pkiextendedkeyusage")
		auth := len(ekus) == 0
		for _, e := range ekus {
			auth = auth || authEKUs[e]
		}
		if auth {
			candidates = append(candidates, t)
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}
	if err := c.needSD(candidates); err != nil {
		return nil, err
	}
	var objs []ObjectRef
	for _, t := range candidates {
		var who []string
		for _, a := range t.ACEs {
			if a.Rights&(model.REnroll|model.RAutoEnroll|model.RAllExtended|model.RGenericAll) != 0 && !d.IsTier0(a.Trustee) {
				who = append(who, d.Describe(a.Trustee))
			}
		}
		if len(who) > 0 {
			objs = append(objs, ref(t, "sujet fourni par le demandeur, inscription ouverte à "+strings.Join(who, ", ")))
		}
	}
	return failIf(1, "", objs), nil
}

func runWeakCertificates(c *Context) ([]Failure, error) {
	var g1, g2, g3 []ObjectRef
	for _, o := range c.Targets[0] {
		for i, raw := range o.BinaryAll("cacertificate") {
			cert, err := x509.ParseCertificate(raw)
			if err != nil {
				g2 = append(g2, ref(o, fmt.Sprintf("certificat n°%d illisible : %v", i+1, err)))
				continue
			}
			subj := cert.Subject.CommonName
			switch k := cert.PublicKey.(type) {
			case *dsa.PublicKey:
				g1 = append(g1, ref(o, subj+" : clé DSA"))
			case *rsa.PublicKey:
				bits := k.N.BitLen()
				switch {
				case rocaVulnerable(k.N):
					g1 = append(g1, ref(o, fmt.Sprintf("%s : clé RSA vulnérable ROCA (CVE-2017-15361)", subj)))
				case bits < 1024:
					g1 = append(g1, ref(o, fmt.Sprintf("%s : RSA %d bits", subj, bits)))
				case bits < 2048:
					g3 = append(g3, ref(o, fmt.Sprintf("%s : RSA %d bits", subj, bits)))
				}
				if k.E < 65537 {
					g3 = append(g3, ref(o, fmt.Sprintf("%s : exposant RSA %d", subj, k.E)))
				}
			}
			switch cert.SignatureAlgorithm {
			case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
				g3 = append(g3, ref(o, subj+" : signature "+cert.SignatureAlgorithm.String()))
			}
		}
	}
	out := failIf(1, "", g1)
	out = append(out, failIf(2, "", g2)...)
	return append(out, failIf(3, "", g3)...), nil
}
