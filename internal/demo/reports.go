package demo

import (
	"time"

	"vigie/internal/ad"
	"vigie/internal/exposure"
)

// ADReport is a fictional full AD audit report of a demo directory.
type ADReport struct {
	Directory string
	Report    *ad.Report
}

// paris is the time zone of the demo's dates (UTC+2 in spring).
var paris = time.FixedZone("Europe/Paris", 2*3600)

// ADReports returns two Vigie audits of the CH de Valmont's directory, six
// weeks apart: the second fixes the Kerberoastable administrator and keeps
// the weak policy, so that the audit page has something to compare. The
// dormant accounts point (grade 1) could not be evaluated: the first
// level (1) is final, the second (2) provisional.
func ADReports() []ADReport {
	spn := ad.Finding{ID: "vuln_spn_priv", Grade: 1, Title: "Comptes privilégiés avec SPN (Kerberoasting)",
		Detail:      "Un compte membre d'un groupe privilégié porte un SPN : son mot de passe peut être attaqué hors ligne.",
		Objects:     []ad.Object{{DN: "CN=svc-sauvegarde,OU=Services,DC=valmont,DC=local", Sam: "svc-sauvegarde", Detail: "MSSQLSvc/sauvegarde.valmont.local:1433, membre de Admins du domaine"}},
		Remediation: "Retirer les SPN des comptes privilégiés ou utiliser des comptes de service gérés (gMSA)."}
	pol := ad.Finding{ID: "vuln_privileged_members_password", Grade: 2, Title: "Politique de mot de passe faible pour les comptes privilégiés",
		Detail: "Politique du domaine : 7 caractères au minimum.",
		Objects: []ad.Object{{DN: "CN=Administrateur,CN=Users,DC=valmont,DC=local", Sam: "Administrateur"},
			{DN: "CN=adm-dupont,OU=Admins,DC=valmont,DC=local", Sam: "adm-dupont"}},
		Remediation: "Appliquer aux comptes privilégiés une politique (PSO) imposant au moins 8 caractères et une expiration inférieure à 3 ans."}
	krb := ad.Finding{ID: "vuln_krbtgt", Grade: 2, Title: "Mot de passe du compte krbtgt trop ancien",
		Detail:      "Dernier changement il y a 1 412 jours.",
		Objects:     []ad.Object{{DN: "CN=krbtgt,CN=Users,DC=valmont,DC=local", Sam: "krbtgt"}},
		Remediation: "Renouveler deux fois le mot de passe de krbtgt, en respectant le délai de réplication entre les deux changements.",
		Accepted:    true}
	krb.Objects[0].Accepted = &ad.Acceptance{Justification: "Renouvellement planifié avec la migration des contrôleurs (comité du 12/03/2025)", Expires: "2025-09-30"}
	dormant := ad.NotEvaluated{ID: "vuln_user_accounts_dormant", Title: "Trop de comptes actifs dormants",
		Why: "l'attribut lastLogonTimestamp est absent de tous les comptes collectés"}
	base := func(at time.Time, fs []ad.Finding, level int) *ad.Report {
		return &ad.Report{Format: ad.ReportFormat, Forest: "valmont.local", CollectedAt: at, Source: "ldap", Server: "dc1.valmont.local",
			Level: level, LevelWithAcceptedRisks: level, Findings: fs, Passed: []string{}, LevelProvisionalPoints: []string{},
			Coverage: ad.Coverage{Total: 76, Evaluated: 75, NotEvaluated: []ad.NotEvaluated{dormant}},
			Stats:    ad.Stats{Objects: 4812, Domains: 1, Descriptors: 4812, PrivilegedAccs: 9}}
	}
	first := base(time.Date(2025, 4, 22, 10, 5, 0, 0, paris), []ad.Finding{spn, pol, krb}, 1)
	second := base(time.Date(2025, 6, 3, 14, 30, 0, 0, paris), []ad.Finding{pol, krb}, 2)
	second.LevelProvisional, second.LevelProvisionalPoints = true, []string{dormant.ID}
	for _, r := range []*ad.Report{first, second} {
		r.LevelLabel = ad.LevelText(r.Level, r.LevelProvisionalPoints)
	}
	// ANSSI warnings and informations: shown apart, they leave the level at 2.
	second.Warnings = []ad.Advisory{{ID: "warning_rid500", Kind: "warning", Grades: []int{1},
		Title:       "Compte intégré administrateur du domaine utilisé il y a moins de 30 jours",
		Objects:     []ad.Object{{DN: "CN=Administrateur,CN=Users,DC=valmont,DC=local", Sam: "Administrateur", Detail: "dernière authentification le 28/05/2025"}},
		Remediation: "Administrer avec des comptes nominatifs, garder le mot de passe du compte intégré sous séquestre et surveiller ses connexions."}}
	second.Informations = []ad.Advisory{{ID: "info_laps", Kind: "info", Title: "Couverture de LAPS dans la forêt",
		Detail:      "ordinateurs actifs (hors contrôleurs) couverts par LAPS : 412 sur 437 (94 %)",
		Objects:     []ad.Object{{DN: "DC=valmont,DC=local", Detail: "412 sur 437 (94 %)"}},
		Remediation: "Déployer LAPS (Windows LAPS de préférence) sur les ordinateurs non couverts."}}
	second.AdvisoryCoverage = ad.AdvisoryCoverage{Total: 50, Evaluated: 41, NotRaised: []string{},
		NotEvaluated: []ad.NotEvaluated{{ID: "warning_sysvol_files_acl", Why: "nécessite les descripteurs de sécurité des fichiers du SYSVOL, que Vigie ne lit pas"}}}
	// The first audit raised another warning, gone by the second: the
	// comparison shows it.
	first.Warnings = []ad.Advisory{{ID: "warning_admincount", Kind: "warning", Grades: []int{3},
		Title:       "Comptes marqués adminCount=1 qui ne sont plus privilégiés",
		Objects:     []ad.Object{{DN: "CN=ancien-admin,OU=Comptes,DC=valmont,DC=local", Sam: "ancien-admin"}},
		Remediation: "Remettre adminCount à 0 et rétablir l'héritage des permissions sur ces comptes."}}
	first.Informations = []ad.Advisory{}
	first.AdvisoryCoverage = second.AdvisoryCoverage
	return []ADReport{{Directory: "ad-valmont", Report: first}, {Directory: "ad-valmont", Report: second}}
}

// ExposureAudits returns two Vigie exposure audits of the CH de Valmont,
// 50 days apart: the first finds an exposed remote desktop (critical),
// the second only TLS hygiene.
func ExposureAudits() []*exposure.Audit {
	per := exposure.Perimeter{Entities: []string{"010000016"}, Domains: []string{"ch-valmont.example"}, Networks: []string{"198.51.100.0/28"}}
	rdp := exposure.Finding{ID: "rdp-exposed", Host: "198.51.100.5", Port: 3389, Service: "rdp", Severity: exposure.Critical, Confidence: exposure.Confirmed,
		Title: "Bureau à distance (RDP) exposé sur internet", Category: "Accès à distance",
		Evidence:    "négociation X.224 acceptée, NLA exigé",
		Remediation: "Retirer l'accès RDP d'internet ; passer par un VPN avec authentification forte."}
	tls := exposure.Finding{ID: "tls-old-version", Host: "198.51.100.2", Port: 443, Service: "https", Severity: exposure.Medium, Confidence: exposure.Confirmed,
		Title: "TLS 1.0 accepté", Category: "Chiffrement", Evidence: "poignée de main TLS 1.0 réussie",
		Remediation: "Désactiver TLS 1.0 et 1.1 sur le serveur web."}
	cert := exposure.Finding{ID: "tls-cert-expiring", Host: "198.51.100.2", Port: 443, Service: "https", Severity: exposure.Low, Confidence: exposure.Confirmed,
		Title: "Certificat proche de l'expiration", Category: "Chiffrement", Evidence: "expire le 12/07/2025",
		Remediation: "Renouveler le certificat."}
	hosts := func(withRDP bool) []exposure.Host {
		h := []exposure.Host{{Address: "198.51.100.2", Names: []string{"www.ch-valmont.example"}, Ports: []exposure.Port{
			{Port: 80, Proto: "tcp", Service: "http", Product: "nginx", Version: "1.22.1"},
			{Port: 443, Proto: "tcp", Service: "https", Product: "nginx", Version: "1.22.1", TLS: true}}}}
		if withRDP {
			h = append(h, exposure.Host{Address: "198.51.100.5", Ports: []exposure.Port{{Port: 3389, Proto: "tcp", Service: "rdp", Product: "Microsoft Terminal Services"}}})
		}
		return h
	}
	mk := func(start time.Time, fs []exposure.Finding, withRDP bool) *exposure.Audit {
		return &exposure.Audit{StartedAt: start, FinishedAt: start.Add(7 * time.Minute), Perimeter: per, Complete: true,
			Hosts: hosts(withRDP), Findings: fs, Summary: exposure.Summarize(fs)}
	}
	return []*exposure.Audit{
		mk(time.Date(2025, 4, 12, 9, 0, 0, 0, paris), []exposure.Finding{rdp, tls, cert}, true),
		mk(time.Date(2025, 6, 1, 9, 0, 0, 0, paris), []exposure.Finding{tls, cert}, false),
	}
}
