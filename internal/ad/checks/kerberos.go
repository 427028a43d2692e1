package checks

import (
	"fmt"
	"strings"

	"vigie/internal/ad/model"
)

func kerberosChecks() []Check {
	accounts := []string{"objectclass", "useraccountcontrol"}
	tolerance := []string{"msds-resultantpso", "msds-supportedencryptiontypes", "pwdlastset",
		"msds-minimumpasswordlength", "msds-maximumpasswordage", "whenchanged"}
	return []Check{
		{ID: "vuln_kerberos_properties_deskey", Needs: Needs{Attrs: accounts}, Run: runAccountsFlag(model.UACUseDESKeyOnly, "DES uniquement")},
		{ID: "vuln_kerberos_properties_preauth", Needs: Needs{Attrs: accounts, Optional: tolerance}, Run: runPreauth},
		{ID: "vuln_kerberos_properties_encryption", Needs: Needs{Attrs: attrs(accounts,
			[]string{"objectsid", "serviceprincipalname", "msds-supportedencryptiontypes"})}, Run: runServiceEncryption},
		{ID: "vuln_krbtgt", Needs: Needs{Attrs: []string{"objectsid", "pwdlastset"}, Targets: []Target{tKrbtgt}}, Run: runKrbtgt},
		{ID: "vuln_dc_crypto", Needs: Needs{Attrs: []string{"objectclass", "primarygroupid", "msds-supportedencryptiontypes"},
			Targets: []Target{tDCs}}, Run: runDCCrypto},
		// The attribute exists only in a Windows Server 2016 schema: not
		// collected means not settable, which fails the point.
		{ID: "vuln_smartcard_expire_passwords", Needs: Needs{Optional: []string{"msds-expirepasswordsonsmartcardonlyaccounts"},
			Targets: []Target{tDomainHeads}}, Run: runSmartcardExpire},
	}
}

// runAccountsFlag fails enabled accounts (users, computers, MSA) with a UAC
// bit; group managed service accounts are tolerated (random passwords).
func runAccountsFlag(bit uint32, what string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) {
		var objs []ObjectRef
		for _, o := range c.Dir.Accounts {
			if o.Enabled() && o.UAC&bit != 0 && !o.IsMSA() {
				objs = append(objs, ref(o, what))
			}
		}
		return failIf(c.Entry.Grades[0], "", objs), nil
	}
}

func runPreauth(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if o.Enabled() && o.UAC&model.UACDontReqPreauth != 0 && !roastTolerated(c, o) {
			objs = append(objs, ref(o, "pré-authentification désactivée"))
		}
	}
	return failIf(2, "", objs), nil
}

func runServiceEncryption(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, o := range c.Dir.Accounts {
		if !o.IsUser() || !o.Enabled() || len(o.All("serviceprincipalname")) == 0 || o.RID() == model.RIDKrbtgt {
			continue
		}
		v, ok := o.Int("msds-supportedencryptiontypes")
		switch {
		case !ok || v == 0:
			objs = append(objs, ref(o, "msDS-SupportedEncryptionTypes vide"))
		case v&(model.EncDESCRC|model.EncDESMD5) != 0:
			objs = append(objs, ref(o, fmt.Sprintf("DES autorisé (0x%x)", v)))
		case v&(model.EncAES128|model.EncAES256) == 0:
			objs = append(objs, ref(o, fmt.Sprintf("AES non déclaré (0x%x)", v)))
		}
	}
	return failIf(3, "", objs), nil
}

func runKrbtgt(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, k := range c.Targets[0] {
		if c.OlderThan(k, "pwdlastset", c.Days("max_days", 365)) {
			objs = append(objs, ref(k, "mot de passe changé le "+dateOf(k, "pwdlastset")))
		}
	}
	return failIf(2, "", objs), nil
}

func runDCCrypto(c *Context) ([]Failure, error) {
	var g2, g3, g4 []ObjectRef
	dcs := append(append([]*model.Object(nil), c.Dir.DCs...), c.Dir.RODCs...)
	for _, o := range dcs {
		v, ok := o.Int("msds-supportedencryptiontypes")
		if v&(model.EncDESCRC|model.EncDESMD5) != 0 {
			g2 = append(g2, ref(o, fmt.Sprintf("DES activé (0x%x)", v)))
		}
		if !ok || v&(model.EncAES128|model.EncAES256) == 0 {
			g3 = append(g3, ref(o, fmt.Sprintf("AES non pris en charge (0x%x)", v)))
		}
		if v&model.EncRC4 != 0 {
			g4 = append(g4, ref(o, fmt.Sprintf("RC4 activé (0x%x)", v)))
		}
	}
	out := failIf(2, "", g2)
	out = append(out, failIf(3, "", g3)...)
	return append(out, failIf(4, "", g4)...), nil
}

func runSmartcardExpire(c *Context) ([]Failure, error) {
	var objs []ObjectRef
	for _, h := range c.Targets[0] {
		if !strings.EqualFold(h.Get("msds-expirepasswordsonsmartcardonlyaccounts"), "TRUE") {
			objs = append(objs, ref(h, "msDS-ExpirePasswordsOnSmartCardOnlyAccounts non activé"))
		}
	}
	return failIf(4, "", objs), nil
}
