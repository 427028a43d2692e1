package adtest

import (
	"fmt"
	"time"

	"vigie/internal/ad/secdesc"
	"vigie/internal/ad/snapshot"
)

// SyntheticOptions shape a generated forest.
type SyntheticOptions struct {
	// Objects is the approximate number of objects to add to the clean
	// baseline (users 70 %, computers 20 %, groups 10 %).
	Objects int
	// OUs is the number of organisational units (default 50).
	OUs int
}

// WriteSynthetic writes a large synthetic forest to path, streaming the
// generated objects so that memory stays flat. The content is realistic
// enough to exercise every family of checks: inherited ACEs from OUs
// (including a help-desk delegation), nested groups, service accounts with
// SPNs, dormant and never-expiring accounts, servers.
func WriteSynthetic(path string, now time.Time, opt SyntheticOptions) error {
	if opt.OUs <= 0 {
		opt.OUs = 50
	}
	f := NewForest("synth.test", now)
	helpdesk := f.Group("Helpdesk")
	admins := f.Group("Tier0-Admins")
	f.ByRID(512).AddMember(admins)
	for i := 0; i < 10; i++ {
		admins.AddMember(f.Privileged(fmt.Sprintf("adm%02d", i)))
	}
	f.ensureSchema()
	w, err := snapshot.Create(path, f.Header)
	if err != nil {
		return err
	}
	emit := func(o *Obj) error {
		so := *o.Object
		if o.SD != nil {
			b, err := o.SD.Marshal()
			if err != nil {
				return err
			}
			bin := make(map[string][][]byte, len(so.Bin)+1)
			for k, v := range so.Bin {
				bin[k] = v
			}
			bin["ntsecuritydescriptor"] = [][]byte{b}
			so.Bin = bin
		}
		return w.WriteObject(&so)
	}
	for _, o := range f.objs {
		if err := emit(o); err != nil {
			w.Abort()
			return err
		}
	}
	g := &synth{f: f, helpdesk: helpdesk.SID()}
	if err := g.generate(opt, emit); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

type synth struct {
	f        *Forest
	helpdesk secdesc.SID
}

// inheritedSD is the descriptor of an object in a delegated OU: the
// default ACEs plus typical inherited ones.
func (g *synth) inheritedSD() *secdesc.SecurityDescriptor {
	f := g.f
	sd := f.DefaultSD()
	inh := secdesc.FlagInherited
	sd.DACL.ACEs = append(sd.DACL.ACEs,
		secdesc.ACE{Type: secdesc.AceAccessAllowed, Flags: inh, Mask: MaskFull, SID: "S-1-5-32-548"},
		secdesc.ACE{Type: secdesc.AceAccessAllowed, Flags: inh, Mask: MaskRead, SID: "S-1-5-32-554"},
		secdesc.ACE{Type: secdesc.AceAccessAllowedObject, Flags: inh, Mask: secdesc.RightWriteProperty, SID: f.DomainSID(517),
			HasObjectType: true, ObjectType: secdesc.MustGUID("bf967a7f-0de6-11d0-a285-00aa003049e2")},
		secdesc.ACE{Type: secdesc.AceAccessAllowedObject, Flags: inh, Mask: secdesc.RightControlAccess, SID: g.helpdesk,
			HasObjectType: true, ObjectType: secdesc.GUIDUserForceChangePassword},
		secdesc.ACE{Type: secdesc.AceAccessAllowedObject, Flags: inh, Mask: secdesc.RightReadProperty | secdesc.RightWriteProperty,
			SID: "S-1-5-10", HasObjectType: true, ObjectType: secdesc.MustGUID("77b5b886-944a-11d1-aebd-0000f80367c1")},
		secdesc.ACE{Type: secdesc.AceAccessAllowedObject, Flags: inh | secdesc.FlagInheritOnly, Mask: MaskRead, SID: "S-1-5-32-560",
			HasInheritedObjectType: true, InheritedObjectType: secdesc.MustGUID("bf967aba-0de6-11d0-a285-00aa003049e2")},
	)
	return sd
}

func (g *synth) generate(opt SyntheticOptions, emit func(*Obj) error) error {
	f := g.f
	day := 24 * time.Hour
	users := opt.Objects * 7 / 10
	computers := opt.Objects * 2 / 10
	groups := opt.Objects - users - computers
	newObj := func(dn string, classes ...string) *Obj {
		o := &Obj{Object: &snapshot.Object{DN: dn}, f: f, SD: g.inheritedSD()}
		o.SetText("objectclass", append([]string{"top"}, classes...)...)
		o.SetText("whencreated", f.Now.AddDate(-3, 0, 0).Format("20060102150405.0Z"))
		return o
	}
	ouDN := func(i int) string { return fmt.Sprintf("OU=Site%03d,%s", i%opt.OUs, f.DomainDN) }
	for i := 0; i < opt.OUs; i++ {
		ou := newObj(ouDN(i), "organizationalUnit")
		ou.SD = f.DefaultSD()
		ou.Grant(g.helpdesk, secdesc.RightControlAccess, secdesc.GUIDUserForceChangePassword)
		if err := emit(ou); err != nil {
			return err
		}
	}
	userDNs := make([]string, 0, users)
	for i := 0; i < users; i++ {
		sam := fmt.Sprintf("u%06d", i)
		o := newObj("CN="+sam+","+ouDN(i), "person", "organizationalPerson", "user")
		o.SetSID(f.DomainSID(uint32(10000+i))).Set("samaccountname", sam).SetInt("primarygroupid", 513)
		o.Set("displayname", "Utilisateur "+sam).Set("userprincipalname", sam+"@"+f.DNS)
		uac := uint32(0x200)
		switch {
		case i%33 == 0:
			uac |= 0x10000
		case i%50 == 1:
			uac |= 0x2
		}
		o.SetUAC(uac)
		if i%20 == 2 {
			o.SetAge("pwdlastset", 4*365*day).SetAge("lastlogontimestamp", 2*365*day)
		} else {
			o.SetAge("pwdlastset", time.Duration(i%90)*day).SetAge("lastlogontimestamp", time.Duration(i%10)*day)
		}
		if i%500 == 3 {
			o.Set("serviceprincipalname", fmt.Sprintf("HTTP/app%d.%s", i, f.DNS))
		}
		userDNs = append(userDNs, o.DN)
		if err := emit(o); err != nil {
			return err
		}
	}
	for i := 0; i < computers; i++ {
		name := fmt.Sprintf("PC%06d", i)
		o := newObj("CN="+name+","+ouDN(i), "person", "organizationalPerson", "user", "computer")
		o.SetSID(f.DomainSID(uint32(500000+i))).Set("samaccountname", name+"$").SetUAC(0x1000).SetInt("primarygroupid", 515)
		os := "Windows 11 Entreprise"
		if i%10 == 0 {
			os = "Windows Server 2019 Standard"
		}
		o.Set("operatingsystem", os).Set("dnshostname", fmt.Sprintf("pc%06d.%s", i, f.DNS))
		o.SetAge("pwdlastset", time.Duration(i%40)*day).SetAge("lastlogontimestamp", time.Duration(i%7)*day)
		if err := emit(o); err != nil {
			return err
		}
	}
	for i := 0; i < groups; i++ {
		name := fmt.Sprintf("G%06d", i)
		o := newObj("CN="+name+","+ouDN(i), "group")
		o.SetSID(f.DomainSID(uint32(900000+i))).Set("samaccountname", name).SetInt("grouptype", -2147483646)
		var members []string
		for k := 0; k < 10 && len(userDNs) > 0; k++ {
			members = append(members, userDNs[(i*37+k*101)%len(userDNs)])
		}
		if i > 0 {
			members = append(members, fmt.Sprintf("CN=G%06d,%s", i-1, ouDN(i-1)))
		}
		o.Set("member", members...)
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}
