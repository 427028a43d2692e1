package checks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
	"vigie/internal/ad/secdesc"
)

func evaluateAdvisories(t *testing.T, f *adtest.Forest) map[string]Result {
	t.Helper()
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Result{}
	for _, r := range RunAdvisories(d, cat, f.Now) {
		out[r.ID] = r
	}
	return out
}

// advCase raises one warning or information and shows a neighbouring
// configuration that does not raise it.
type advCase struct {
	id string
	// quiet turns the clean forest into one where the advisory is not
	// raised (nil: the clean forest as is); raise is applied after it.
	quiet, raise func(f *adtest.Forest)
	// want is text one raised object must show (DN, name or detail).
	want string
	// grade is the expected indicative grade of the first instance (0:
	// not checked).
	grade int
	// quietStatus is the status expected without raise (Passed unless
	// the advisory is then not evaluated).
	quietStatus Status
}

const psoDN = ",CN=Password Settings Container,CN=System,"

// pso adds a password settings object.
func pso(f *adtest.Forest, name string, minLen int64, maxAgeDays int64, appliesTo ...*adtest.Obj) *adtest.Obj {
	p := f.Add("CN="+name+psoDN+f.DomainDN, "msDS-PasswordSettings")
	p.SetInt("msds-passwordsettingsprecedence", 10).SetInt("msds-minimumpasswordlength", minLen)
	p.SetInt("msds-maximumpasswordage", -maxAgeDays*86400*10_000_000).Set("msds-passwordreversibleencryptionenabled", "FALSE")
	var dns []string
	for _, o := range appliesTo {
		dns = append(dns, o.DN)
	}
	p.Set("msds-psoappliesto", dns...)
	return p
}

func trust(f *adtest.Forest, partner string, dir, attr int64, sid secdesc.SID) *adtest.Obj {
	t := f.Add("CN="+partner+",CN=System,"+f.DomainDN, "trustedDomain").SetInt("trustdirection", dir).SetInt("trustattributes", attr)
	t.Set("trustpartner", partner)
	if sid != "" {
		b, _ := secdesc.SIDBytes(string(sid))
		t.SetBin("securityidentifier", b)
	}
	return t
}

func gmsa(f *adtest.Forest, name string) *adtest.Obj {
	m := f.Add("CN="+name+",CN=Managed Service Accounts,"+f.DomainDN, "user", "computer", "msDS-GroupManagedServiceAccount")
	return m.SetSID(f.DomainSID(f.NextRID())).Set("samaccountname", name+"$").SetUAC(0x1000).SetInt("primarygroupid", 515)
}

func advCases() []advCase {
	day := adtest.Days(1)
	year := 365 * day
	au := secdesc.SID("S-1-5-11")
	anon := secdesc.SID("S-1-5-7")
	keyCred := func(o *adtest.Obj) { o.Set("msds-keycredentiallink", "B:8:00020000:"+o.DN) }
	return []advCase{
		{id: "warning_admincount", raise: func(f *adtest.Forest) { f.User("ancien").SetInt("admincount", 1) }, want: "ancien"},
		{id: "warning_admincount", raise: func(f *adtest.Forest) { f.Group("Anciens admins").SetInt("admincount", 1) }, want: "Anciens admins"},
		{id: "warning_admincount", quiet: func(f *adtest.Forest) {
			// The built-in administrator stays protected outside any group.
			for _, rid := range []uint32{512, 518, 519} {
				f.ByRID(rid).Del("member")
			}
			f.Get("CN=Administrators,CN=Builtin," + f.DomainDN).Del("member")
		}, raise: func(f *adtest.Forest) { f.Computer("ANCIEN-ADM", "Windows 11").SetInt("admincount", 1) }, want: "ANCIEN-ADM$"},
		{id: "warning_admincount_0", raise: func(f *adtest.Forest) { f.User("nettoye").SetInt("admincount", 0) }, want: "nettoye"},
		{id: "warning_dnszone_duplicated_zones",
			quiet: func(f *adtest.Forest) {
				for _, p := range []string{"DC=DomainDnsZones,", "DC=ForestDnsZones,"} {
					f.Add("DC=RootDNSServers,CN=MicrosoftDNS,"+p+f.DomainDN, "dnsZone")
				}
			},
			raise: func(f *adtest.Forest) { f.Add("DC=lab.test,CN=MicrosoftDNS,DC=ForestDnsZones,"+f.DomainDN, "dnsZone") }, want: "zone lab.test présente 2 fois"},
		{id: "warning_dont_expire", raise: func(f *adtest.Forest) { f.User("svc").AddUAC(0x10000) }, want: "svc"},
		{id: "warning_logonscript_priv", quiet: func(f *adtest.Forest) { f.User("poste").Set("scriptpath", "logon.bat") },
			raise: func(f *adtest.Forest) { f.BySam("Administrator").Set("scriptpath", "logon.bat") }, want: "logon.bat"},
		{id: "warning_password_change", quiet: func(f *adtest.Forest) { f.User("recent").SetAge("pwdlastset", 2*year) },
			raise: func(f *adtest.Forest) { f.User("vieux").SetAge("pwdlastset", 4*year) }, want: "vieux"},
		{id: "warning_password_change", raise: func(f *adtest.Forest) { f.User("jamais").Del("pwdlastset").SetCreated(5 * year) }, want: "jamais changé"},
		{id: "warning_password_policy_pso_missing", quiet: func(f *adtest.Forest) {
			p := pso(f, "Comptes de service", 20, 365)
			f.User("svc").Set("msds-resultantpso", p.DN)
		}, raise: func(f *adtest.Forest) {
			f.User("u").Set("msds-resultantpso", "CN=Absente"+psoDN+f.DomainDN)
		}, want: "CN=Absente"},
		{id: "warning_password_policy_pso_weak", quiet: func(f *adtest.Forest) { pso(f, "Robuste", 14, 365) },
			raise: func(f *adtest.Forest) { pso(f, "Faible", 4, 365) }, want: "longueur minimale 4"},
		{id: "warning_password_policy_pso_weak", raise: func(f *adtest.Forest) { pso(f, "Sans expiration", 14, 0) }, want: "sans expiration"},
		{id: "warning_password_policy_pso_weak2", quiet: func(f *adtest.Forest) { pso(f, "Faible", 4, 365, f.Group("Stagiaires")) },
			raise: func(f *adtest.Forest) { pso(f, "Faible admins", 4, 365, f.ByRID(512)) }, want: "Domain Admins"},
		{id: "warning_permissions_specific_containers", quiet: func(f *adtest.Forest) {
			f.Get("CN=Policies,CN=System,"+f.DomainDN).Grant(f.ByRID(520).SID(), secdesc.RightCreateChild, secdesc.GUID{})
		}, raise: func(f *adtest.Forest) {
			f.Get("CN=Computers,"+f.DomainDN).Grant(f.User("x").SID(), adtest.MaskFull, secdesc.GUID{})
		}, want: "GenericAll", grade: 1},
		{id: "warning_permissions_specific_containers", raise: func(f *adtest.Forest) {
			f.Get("CN=Sites,"+f.ConfigDN).Grant(f.User("x").SID(), secdesc.RightCreateChild, secdesc.GUID{})
		}, want: "CreateChild", grade: 2},
		{id: "warning_privileged_members", quiet: func(f *adtest.Forest) {
			for i := 0; i < 25; i++ {
				f.Privileged("adm" + string(rune('a'+i)))
			}
		}, raise: func(f *adtest.Forest) { f.Privileged("adm26") }, want: "26 comptes privilégiés (seuil d'alerte 25)"},
		{id: "warning_privileged_members_builtin_notpriv", quiet: func(f *adtest.Forest) { f.ByRID(520).AddMember(f.BySam("Administrator")) },
			raise: func(f *adtest.Forest) { f.ByRID(520).AddMember(f.User("editeur-gpo")) }, want: "editeur-gpo"},
		{id: "warning_privileged_members_expired_disabled", quiet: func(f *adtest.Forest) {
			f.BySam("Administrator").AddUAC(0x2)
			f.Privileged("temporaire").SetInt("accountexpires", adtest.FileTime(f.Now.Add(30*day)))
			f.User("ancien").AddUAC(0x2)
		}, raise: func(f *adtest.Forest) { f.Privileged("parti").AddUAC(0x2) }, want: "compte désactivé"},
		{id: "warning_privileged_members_expired_disabled", raise: func(f *adtest.Forest) {
			f.Privileged("prestataire").SetInt("accountexpires", adtest.FileTime(f.Now.Add(-day)))
		}, want: "compte expiré le 31/05/2026"},
		{id: "warning_privileged_members_foreign", quiet: func(f *adtest.Forest) {
			trust(f, "fille.lab.test", 3, 0x20, "S-1-5-21-7-8-9")
			f.ByRID(512).AddMember(f.FSP("S-1-5-21-7-8-9-1105"))
			f.ByRID(513).AddMember(f.FSP("S-1-5-21-4-4-4-1105"))
		}, raise: func(f *adtest.Forest) { f.ByRID(512).AddMember(f.FSP("S-1-5-21-4-4-4-1106")) }, want: "S-1-5-21-4-4-4-1106"},
		{id: "warning_privileged_members_no_adminsdholder", raise: func(f *adtest.Forest) {
			f.Privileged("nonprotege").Del("admincount")
		}, want: "nonprotege"},
		{id: "warning_privileged_members_not_empty", quiet: func(f *adtest.Forest) {
			f.ByRID(518).Del("member")
			f.ByRID(519).Del("member")
		}, raise: func(f *adtest.Forest) { f.BySID("S-1-5-32-551").AddMember(f.User("sauvegarde")) }, want: "1 membre : sauvegarde"},
		{id: "warning_reversible_password", quiet: func(f *adtest.Forest) { f.User("inactif").SetUAC(0x282) },
			raise: func(f *adtest.Forest) { f.User("rev").AddUAC(0x80) }, want: "rev"},
		{id: "warning_rid500", quiet: func(f *adtest.Forest) { f.BySam("Administrator").SetAge("lastlogontimestamp", 60*day) },
			raise: func(f *adtest.Forest) { f.BySam("Administrator").SetAge("lastlogontimestamp", 2*day) }, want: "Administrator"},
		{id: "warning_schema_default_sd", quiet: func(f *adtest.Forest) {
			// The reference, written another way: SIDs for aliases, upper-case
			// GUIDs, ACEs in another order.
			g := "D:(A;;RPLCLORC;;;AU)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;" + string(f.DomainSID(512)) + ")" +
				"(OA;;CR;AB721A55-1E2F-11D0-9819-00AA0040529B;;AU)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;AO)(A;;RPLCLORC;;;PS)" +
				"(OA;;RP;46a9b11d-60ae-405a-b7e8-ff8a58d456d2;;S-1-5-32-560)"
			f.Add("CN=Group,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "group").Set("defaultsecuritydescriptor", g)
		}, raise: func(f *adtest.Forest) {
			ref, _ := schemaDefaults()
			f.Add("CN=User,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "user").
				Set("defaultsecuritydescriptor", ref["user"]+"(A;;WP;;;AU)")
		}, want: "ACE ajoutées : (A;;WP;;;AU)"},
		{id: "warning_schema_default_sd", quiet: func(f *adtest.Forest) {
			// An ACE removed, and the domain SID of another installation
			// (Samba's schema template): not raised.
			ref, _ := schemaDefaults()
			f.Add("CN=Organizational-Unit,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "organizationalUnit").
				Set("defaultsecuritydescriptor", strings.Replace(ref["organizationalunit"], "(A;;RPLCLORC;;;AU)", "", 1))
			f.Add("CN=Domain-DNS,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "domainDNS").
				Set("defaultsecuritydescriptor", strings.ReplaceAll(ref["domaindns"], "{D}", "S-1-5-21-9-9-9"))
			f.Add("CN=Computer,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "computer")
		}, raise: func(f *adtest.Forest) {
			ref, _ := schemaDefaults()
			f.Add("CN=Contact,"+f.SchemaDN, "classSchema").Set("ldapdisplayname", "contact").
				Set("defaultsecuritydescriptor", strings.Replace(ref["contact"], "(A;;RPLCLORC;;;AU)", "", 1)+"(A;;WD;;;"+string(f.DomainSID(1105))+")")
		}, want: "ACE ajoutées : (A;;WD;;;S-1-5-21-1000-2000-3000-1105) ; ACE retirées : (A;;RPLCLORC;;;AU)"},
		{id: "warning_sd_adminsdholder_protec", raise: func(f *adtest.Forest) {
			f.Get("CN=AdminSDHolder,CN=System," + f.DomainDN).SD.Control &^= secdesc.ControlDACLProtected
		}, want: "AdminSDHolder"},
		{id: "warning_sd_anonymous_control", quiet: func(f *adtest.Forest) {
			f.User("lu").AddACE(secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: adtest.MaskRead, SID: anon})
		}, raise: func(f *adtest.Forest) { f.User("cible").Grant(anon, secdesc.RightWriteProperty, secdesc.GUID{}) }, want: "cible"},
		{id: "warning_sd_deny_read", quiet: func(f *adtest.Forest) {
			f.User("u").AddACE(secdesc.ACE{Type: secdesc.AceAccessDenied, Mask: secdesc.RightWriteProperty, SID: au})
		}, raise: func(f *adtest.Forest) {
			f.User("cache").AddACE(secdesc.ACE{Type: secdesc.AceAccessDenied, Mask: secdesc.RightReadProperty, SID: au})
		}, want: "concerne le compte de collecte"},
		{id: "warning_sd_failed_sd_read", raise: func(f *adtest.Forest) { f.User("opaque").SD = nil }, want: "opaque"},
		{id: "warning_sd_failed_sd_read", raise: func(f *adtest.Forest) {
			f.AddGap(f.ByRID(512).DN, "ntsecuritydescriptor", "security-descriptor", "accès refusé")
		}, want: "accès refusé"},
		{id: "warning_sd_generic_perm", quiet: func(f *adtest.Forest) {
			// Inherit-only ACEs keep their generic rights on Windows.
			f.Add("OU=Postes,"+f.DomainDN, "organizationalUnit").AddACE(secdesc.ACE{Type: secdesc.AceAccessAllowed,
				Flags: secdesc.FlagContainerInherit | secdesc.FlagInheritOnly, Mask: secdesc.RightGenericAll, SID: "S-1-3-0"})
		}, raise: func(f *adtest.Forest) {
			f.User("gen").AddACE(secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: secdesc.RightGenericRead, SID: au})
		}, want: "gen"},
		{id: "warning_sd_repl_perm", raise: func(f *adtest.Forest) {
			f.Add("OU=Sync,"+f.DomainDN, "organizationalUnit").Grant(f.User("sync").SID(), secdesc.RightControlAccess, secdesc.GUIDGetChangesAll)
		}, want: "hors d'une tête de contexte"},
		{id: "warning_sd_repl_perm", raise: func(f *adtest.Forest) {
			f.Get(f.DomainDN).Grant(f.Privileged("dcsync").SID(), secdesc.RightControlAccess, secdesc.GUIDGetChangesAll)
		}, want: "hors des réplicateurs par défaut"},
		{id: "warning_sd_unknown_sid", quiet: func(f *adtest.Forest) {
			trust(f, "partenaire.test", 3, 0x8, "S-1-5-21-5-5-5")
			f.User("a").Grant("S-1-5-21-5-5-5-1200", secdesc.RightWriteProperty, secdesc.GUID{})
			f.User("b").Grant(f.DomainSID(522), secdesc.RightWriteProperty, secdesc.GUID{})
		}, raise: func(f *adtest.Forest) {
			f.User("cible").Grant(f.DomainSID(4321), secdesc.RightWriteProperty, secdesc.GUID{})
		}, want: "SID sans objet dans le domaine"},
		{id: "warning_sd_unknown_sid", raise: func(f *adtest.Forest) { f.User("cible").SetOwner("S-1-5-21-6-6-6-1500") }, want: "domaine inconnu"},
		{id: "warning_spn_priv", quiet: func(f *adtest.Forest) { f.Privileged("svcsql").Set("serviceprincipalname", "MSSQLSvc/sql.lab.test") },
			raise: func(f *adtest.Forest) {
				m := gmsa(f, "gmsa-t0").Set("serviceprincipalname", "MSSQLSvc/sql.lab.test")
				f.ByRID(512).AddMember(m)
			}, want: "gmsa-t0"},
		{id: "warning_sysvol_no_repl", quiet: func(f *adtest.Forest) {
			f.Remove(f.Get("CN=Domain System Volume,CN=DFSR-GlobalSettings,CN=System," + f.DomainDN))
			f.Add("CN=File Replication Service,CN=System,"+f.DomainDN, "container")
			f.Add("CN=Domain System Volume (SYSVOL share),CN=File Replication Service,CN=System,"+f.DomainDN, "nTFRSReplicaSet")
		}, raise: func(f *adtest.Forest) {
			f.Remove(f.Get("CN=Domain System Volume (SYSVOL share),CN=File Replication Service,CN=System," + f.DomainDN))
		}, want: "ni groupe de réplication DFSR"},
		{id: "warning_tool_version", quiet: func(f *adtest.Forest) { f.Header.Source, f.Header.ToolVersion = "oradad", "3.6.218" },
			raise: func(f *adtest.Forest) { f.Header.ToolVersion = "3.4.120" }, want: "antérieure à la version de référence 3.6"},
		{id: "warning_tool_version", quiet: func(f *adtest.Forest) { f.Header.Source, f.Header.ToolVersion = "oradad", "4.0.1" },
			raise: func(f *adtest.Forest) { f.Header.ToolVersion = "" }, want: "version d'ORADAD inconnue"},
		{id: "warning_trusts_tgt_deleg", quiet: func(f *adtest.Forest) { trust(f, "autre.test", 1, 0x208, "") },
			raise: func(f *adtest.Forest) { trust(f, "ouverte.test", 3, 0x8, "") }, want: "ouverte.test", grade: 3},
		{id: "warning_user_accounts_dormant", quiet: func(f *adtest.Forest) {
			for i := 0; i < 10; i++ {
				f.User("actif" + string(rune('a'+i)))
			}
			f.User("dormeur0").SetAge("pwdlastset", 4*year).SetAge("lastlogontimestamp", 2*year)
		}, raise: func(f *adtest.Forest) {
			f.User("dormeur1").SetAge("pwdlastset", 4*year).SetAge("lastlogontimestamp", 2*year)
		}, want: "dormeur1"},

		{id: "info_gpo", quiet: func(f *adtest.Forest) {
			f.Remove(f.Get("CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System," + f.DomainDN))
		}, quietStatus: NotEvaluated, raise: func(f *adtest.Forest) {
			g := f.Add("CN={6AC1786C-016F-11D2-945F-00C04FB984F9},CN=Policies,CN=System,"+f.DomainDN, "container", "groupPolicyContainer")
			g.Set("displayname", "Default Domain Controllers Policy").Set("whenchanged", f.Now.AddDate(0, 0, -3).Format("20060102150405.0Z")).SetInt("versionnumber", 7)
		}, want: "modifiée le 29/05/2026, version 7"},
		{id: "info_keycredentiallink_dc", quiet: func(f *adtest.Forest) { keyCred(f.User("hello")) },
			raise: func(f *adtest.Forest) { keyCred(f.BySam("DC1$")) }, want: "DC1$"},
		{id: "info_keycredentiallink_priv", quiet: func(f *adtest.Forest) { keyCred(f.User("hello")) },
			raise: func(f *adtest.Forest) { keyCred(f.BySam("Administrator")) }, want: "Administrator"},
		{id: "info_keycredentiallink_silo", quiet: func(f *adtest.Forest) { keyCred(f.Computer("PC1", "Windows 11")) },
			raise: func(f *adtest.Forest) {
				pc := f.Computer("ADM1", "Windows 11").Set("msds-assignedauthnpolicysilo", f.Get("CN=Tier0,CN=AuthN Silos,CN=AuthN Policy Configuration,CN=Services,"+f.ConfigDN).DN)
				keyCred(pc)
			}, want: "ADM1$"},
		{id: "info_laps", raise: func(f *adtest.Forest) {
			f.Computer("PC1", "Windows 11").SetInt("mslaps-passwordexpirationtime", adtest.FileTime(f.Now.AddDate(0, 1, 0)))
			f.Computer("PC2", "Windows 11")
		}, want: "couverts par LAPS : 1 sur 2 (50 %)"},
		{id: "info_laps_missing", quiet: func(f *adtest.Forest) {
			f.Computer("PC1", "Windows 11").SetInt("ms-mcs-admpwdexpirationtime", adtest.FileTime(f.Now.AddDate(0, 1, 0)))
			f.Computer("PC2", "Windows 11")
		}, raise: func(f *adtest.Forest) {
			f.Remove(f.BySam("PC1$"))
		}, want: "aucun ordinateur actif (hors contrôleurs) n'utilise LAPS, sur 1"},
		{id: "info_password_policy_pso", raise: func(f *adtest.Forest) { pso(f, "Comptes de service", 20, 365, f.Group("Services")) },
			want: "longueur minimale 20, expiration après 365 jours, appliquée à Services"},
		{id: "info_sd", raise: func(f *adtest.Forest) {
			f.User("public").AddACE(secdesc.ACE{Type: secdesc.AceAccessAllowed, Mask: adtest.MaskRead, SID: anon})
		}, want: "public"},
		{id: "info_sd_missing_au_lc", quiet: func(f *adtest.Forest) { f.Add("OU=Services,"+f.DomainDN, "organizationalUnit") },
			raise: func(f *adtest.Forest) {
				ou := f.Add("OU=Cachee,"+f.DomainDN, "organizationalUnit")
				ou.SD = &secdesc.SecurityDescriptor{Owner: f.DomainSID(512), Group: f.DomainSID(512), Control: secdesc.ControlDACLProtected,
					DACL: &secdesc.ACL{ACEs: []secdesc.ACE{{Type: secdesc.AceAccessAllowed, Mask: adtest.MaskFull, SID: f.DomainSID(512)}}}}
			}, want: "OU=Cachee"},
		{id: "info_sd_protected_ou", quiet: func(f *adtest.Forest) { f.Add("OU=Services,"+f.DomainDN, "organizationalUnit") },
			raise: func(f *adtest.Forest) { f.Add("OU=Bloquee,"+f.DomainDN, "organizationalUnit").Protect() }, want: "OU=Bloquee"},
		{id: "info_user_accounts_dormant", quiet: func(f *adtest.Forest) { f.User("recent").SetAge("lastlogontimestamp", 300*day) },
			raise: func(f *adtest.Forest) { f.User("dormeur").SetAge("lastlogontimestamp", 2*year) }, want: "dormeur"},
	}
}

// notEvaluable are the advisories whose data Vigie never has.
var notEvaluable = []string{"warning_dump_error_rp", "warning_dump_error_vuln_rp",
	"warning_schema_posssuperiors", "warning_sysvol_files_acl", "warning_sysvol_files_sd", "warning_sysvol_root_sd",
	"info_gpo_sysvol", "info_privileged_members_recent_changes"}

func raisedText(r Result) string {
	var b strings.Builder
	for _, f := range r.Failures {
		b.WriteString(f.Detail + "\n")
		for _, o := range f.Objects {
			b.WriteString(o.DN + " | " + o.Sam + " | " + o.Detail + "\n")
		}
	}
	return b.String()
}

// TestEveryAdvisoryRaisesAndStaysQuiet: for each warning and information
// Vigie evaluates, one configuration raises it (with the object named) and
// a neighbouring one does not.
func TestEveryAdvisoryRaisesAndStaysQuiet(t *testing.T) {
	covered := map[string]bool{}
	for i, ac := range advCases() {
		covered[ac.id] = true
		f := adtest.NewForest("lab.test", testNow)
		if ac.quiet != nil {
			ac.quiet(f)
		}
		want := ac.quietStatus
		if want == "" {
			want = Passed
		}
		if r := evaluateAdvisories(t, f)[ac.id]; r.Status != want {
			t.Errorf("case %d %s without the weakness: %s (%s) %s", i, ac.id, r.Status, r.Why, raisedText(r))
		}
		ac.raise(f)
		r := evaluateAdvisories(t, f)[ac.id]
		if r.Status != Failed {
			t.Errorf("case %d %s: %s (%s), want raised", i, ac.id, r.Status, r.Why)
			continue
		}
		if got := raisedText(r); !strings.Contains(got, ac.want) {
			t.Errorf("case %d %s: raised without %q:\n%s", i, ac.id, ac.want, got)
		}
		if ac.grade != 0 && r.Failures[0].Grade != ac.grade {
			t.Errorf("case %d %s: grade %d, want %d", i, ac.id, r.Failures[0].Grade, ac.grade)
		}
	}
	res := evaluateAdvisories(t, adtest.NewForest("lab.test", testNow))
	for _, id := range notEvaluable {
		covered[id] = true
		if r := res[id]; r.Status != NotEvaluated || r.Why == "" {
			t.Errorf("%s: %s %q, want not evaluated with its reason", id, r.Status, r.Why)
		}
	}
	for _, c := range Advisories() {
		if !covered[c.ID] {
			t.Errorf("%s has no test case", c.ID)
		}
	}
}

// TestAdvisoryCatalogue: 37 warnings and 13 informations, each registered
// once with a complete entry, none shared with the control points.
func TestAdvisoryCatalogue(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, c := range Advisories() {
		if seen[c.ID] {
			t.Errorf("%s registered twice", c.ID)
		}
		seen[c.ID] = true
		e, ok := cat.Advisories[c.ID]
		if !ok {
			t.Errorf("%s has no catalogue entry", c.ID)
			continue
		}
		if _, dup := cat.Entries[c.ID]; dup {
			t.Errorf("%s is both a control point and an advisory", c.ID)
		}
		if e.Title == "" || e.Description == "" || e.Remediation == "" {
			t.Errorf("%s: incomplete entry", c.ID)
		}
		prefix := map[string]string{KindWarning: "warning_", KindInfo: "info_"}[e.Kind]
		if prefix == "" || !strings.HasPrefix(c.ID, prefix) {
			t.Errorf("%s: kind %q", c.ID, e.Kind)
		}
		kinds[e.Kind]++
	}
	for id := range cat.Advisories {
		if !seen[id] {
			t.Errorf("%s in catalogue but not registered", id)
		}
	}
	if kinds[KindWarning] != 37 || kinds[KindInfo] != 13 {
		t.Errorf("%d warnings and %d informations, want 37 and 13", kinds[KindWarning], kinds[KindInfo])
	}
}

// TestSchemaReferenceMatchesFixtures: the embedded reference of default
// descriptors is the one the adtest fixtures are built from.
func TestSchemaReferenceMatchesFixtures(t *testing.T) {
	b, err := os.ReadFile("../adtest/windefaults.json")
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Classes map[string]struct {
			SDDL string `json:"sddl"`
		} `json:"classes"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	ref, err := schemaDefaults()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, c := range w.Classes {
		if c.SDDL == "" {
			continue
		}
		n++
		if ref[strings.ToLower(name)] != c.SDDL {
			t.Errorf("%s: reference differs from the fixtures", name)
		}
		if _, _, _, err := sddlACEs(strings.NewReplacer("{D}", "S-1-5-21-1-2-3", "{R}", "S-1-5-21-1-2-3").Replace(c.SDDL),
			secdesc.SDDLDomains{Domain: "S-1-5-21-1-2-3"}); err != nil {
			t.Errorf("%s: reference unreadable: %v", name, err)
		}
	}
	if n != len(ref) || n < 250 {
		t.Errorf("%d classes in the fixtures, %d in the reference", n, len(ref))
	}
}

// TestAdvisoryOverrides: the user's catalogue file tunes and disables
// warnings like control points, and cannot turn one into the other.
func TestAdvisoryOverrides(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "points.json")
	os.WriteFile(p, []byte(`{"warning_rid500": {"params": {"max_days": 0.5}}, "info_gpo": {"disabled": true}}`), 0o600)
	if err := cat.LoadOverrides(p); err != nil {
		t.Fatal(err)
	}
	if e := cat.Advisories["warning_rid500"]; e.Title == "" || e.Kind != KindWarning || e.Params["max_days"] != 0.5 {
		t.Fatalf("merge lost fields: %+v", e)
	}
	f := adtest.NewForest("lab.test", testNow) // Administrator logged on a day ago
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	res := map[string]Result{}
	for _, r := range RunAdvisories(d, cat, testNow) {
		res[r.ID] = r
	}
	if res["warning_rid500"].Status != Passed || res["info_gpo"].Status != NotEvaluated {
		t.Errorf("overrides not applied: %s, %s", res["warning_rid500"].Status, res["info_gpo"].Status)
	}
	for _, bad := range []string{`{"warning_rid500": {"kind": "info"}}`, `{"warning_rid500": {"grades": []}}`, `{"info_laps": {"grades": [2]}}`} {
		os.WriteFile(p, []byte(bad), 0o600)
		if err := cat.LoadOverrides(p); err == nil {
			t.Errorf("override %s accepted", bad)
		}
	}
}
