package vulndb

import (
	"fmt"
	"strings"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// VersionOnlyLabel marks a finding established only by comparing an
// announced version with known vulnerable ranges.
const VersionOnlyLabel = "correspondance de version uniquement"

// Category is the finding type of a known-vulnerability finding.
const Category = "Vulnérabilité logicielle connue (CVE)"

// Findings turns the product versions seen in observations into findings,
// one per (host, port, CVE), with confidence "version" and the label
// "correspondance de version uniquement". Observations without a product and
// a version are ignored (the policy judges them).
func (db *DB) Findings(obs []exposure.Observation) []exposure.Finding {
	var out []exposure.Finding
	seen := make(map[string]bool)
	for _, o := range obs {
		if strings.TrimSpace(o.Product) == "" || strings.TrimSpace(o.Version) == "" {
			continue
		}
		for _, v := range db.Match(o.Product, o.Version) {
			f := v.Finding(o.Host, o.Port, o.Service)
			if o.Build != "" {
				f = distroCap(f, v, o.Build)
			}
			if seen[f.Key()] {
				continue
			}
			seen[f.Key()] = true
			out = append(out, f)
		}
	}
	return out
}

// distroCap lowers a version-only finding on a distribution package: the
// distribution backports fixes without changing the upstream version, so
// the match says little until its own advisory is checked. A KEV-listed CVE
// stays at medium, the others at low.
func distroCap(f exposure.Finding, v Vuln, build string) exposure.Finding {
	limit := exposure.Low
	if v.KEV {
		limit = exposure.Medium
	}
	if f.Severity.Rank() < limit.Rank() {
		f.Severity = limit
	}
	f.Evidence += fmt.Sprintf(" ; paquet de distribution (%s) : vérifier dans l'avis de sécurité de la distribution si %s y est corrigée ; sévérité ramenée à « %s »", build, v.CVE, f.Severity.French())
	f.Remediation = fmt.Sprintf("Vérifier que le paquet %s est à jour auprès de la distribution (son avis de sécurité pour %s) ; ", build, v.CVE) + f.Remediation
	return f
}

// Finding turns a match into an exposure finding on host:port.
func (v Vuln) Finding(host string, port int, service string) exposure.Finding {
	title := fmt.Sprintf("%s %s : %s (%s)", v.Product, v.Version, v.Title, v.CVE)
	ev := fmt.Sprintf("%s : version annoncée %q dans un intervalle vulnérable de %s ; non vérifiée activement (un correctif rétroporté par la distribution peut la rendre non vulnérable)", VersionOnlyLabel, v.Version, v.CVE)
	if v.KEV {
		ev += " ; exploitation active connue (catalogue KEV de la CISA)"
		if v.Ransomware {
			ev += ", utilisée par des rançongiciels"
		}
	}
	if v.CVSS > 0 {
		ev += " ; CVSS " + french.Fixed(v.CVSS, 1)
	}
	if v.Capped {
		ev += fmt.Sprintf(" ; sévérité plafonnée à « %s » (correspondance de version seule, CVE absente du catalogue KEV)", v.Severity.French())
	}
	if v.Note != "" {
		ev += " ; " + v.Note
	}
	rem := fmt.Sprintf("Mettre à jour %s", v.Product)
	if v.Fixed != "" {
		rem += fmt.Sprintf(" vers une version corrigée (%s ou ultérieure dans la branche concernée)", v.Fixed)
	}
	rem += " en suivant l'avis de sécurité de l'éditeur."
	if v.KEV {
		rem += " Vulnérabilité activement exploitée : traiter en priorité et rechercher des traces de compromission."
	}
	refs := []string{"https://nvd.nist.gov/vuln/detail/" + v.CVE}
	if v.KEV {
		refs = append(refs, "https://www.cisa.gov/known-exploited-vulnerabilities-catalog?search_api_fulltext="+v.CVE)
	}
	return exposure.Finding{
		ID:          strings.ToLower(v.CVE),
		Host:        host,
		Port:        port,
		Service:     service,
		Severity:    v.Severity,
		Confidence:  exposure.VersionBased,
		Title:       title + " — " + VersionOnlyLabel,
		Category:    Category,
		Evidence:    ev,
		Remediation: rem,
		References:  refs,
		CVEs:        []string{v.CVE},
	}
}
