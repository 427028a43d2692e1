package policy

import (
	"sort"
	"strings"

	"vigie/internal/exposure"
)

// Judge turns observations into findings: one per (host, port, class), with
// the rule's severity (capped for inferred observations), French title and
// remediation, and the observation's confidence and evidence. A class the
// policy does not list becomes an info finding with a generic title; nothing
// is dropped. Findings come sorted by severity, host, port and id.
func (p *Policy) Judge(obs []exposure.Observation) []exposure.Finding {
	out := make([]exposure.Finding, 0, len(obs))
	seen := make(map[string]int, len(obs))
	for _, o := range obs {
		f := p.judgeOne(o)
		if i, ok := seen[f.Key()]; ok {
			out[i] = mergeFindings(out[i], f)
			continue
		}
		seen[f.Key()] = len(out)
		out = append(out, f)
	}
	Sort(out)
	return out
}

func (p *Policy) judgeOne(o exposure.Observation) exposure.Finding {
	class := strings.TrimSpace(o.Class)
	r, known := p.Rule(class)
	if !known {
		r = p.Unknown
		if class == "" {
			class = "inconnue"
		}
		r.Title = r.Title + " (" + class + ")"
	}
	if r.WithVersion != nil && strings.TrimSpace(o.Version) != "" {
		r = mergeRule(r, *r.WithVersion)
	}
	conf := o.Confidence
	if conf == "" {
		conf = exposure.Inferred
	}
	sev := r.Severity
	if conf == exposure.Inferred && sev.Rank() < p.InferredCap.Severity.Rank() {
		sev = p.InferredCap.Severity
	}
	id := class
	if !known {
		id = "unknown-" + sanitizeID(class)
	}
	return exposure.Finding{
		ID:          id,
		Host:        o.Host,
		Port:        o.Port,
		Service:     o.Service,
		Severity:    sev,
		Confidence:  conf,
		Title:       r.Title,
		Category:    r.Category,
		Evidence:    evidence(o),
		Remediation: r.Remediation,
		References:  append([]string(nil), r.References...),
	}
}

// evidence is the probe's evidence, completed with the product and version.
func evidence(o exposure.Observation) string {
	e := strings.TrimSpace(o.Evidence)
	pv := strings.TrimSpace(o.Product + " " + o.Version)
	if pv != "" && !strings.Contains(e, pv) {
		if e != "" {
			e += " — "
		}
		e += "produit : " + pv
	}
	return e
}

// mergeFindings keeps the stronger of two findings with the same key and
// joins their evidence.
func mergeFindings(a, b exposure.Finding) exposure.Finding {
	keep, other := a, b
	if b.Severity.Rank() < a.Severity.Rank() || (b.Severity == a.Severity && confRank(b.Confidence) < confRank(a.Confidence)) {
		keep, other = b, a
	}
	if other.Evidence != "" && !strings.Contains(keep.Evidence, other.Evidence) {
		if keep.Evidence != "" {
			keep.Evidence += " ; "
		}
		keep.Evidence += other.Evidence
	}
	return keep
}

func confRank(c exposure.Confidence) int {
	switch c {
	case exposure.Confirmed:
		return 0
	case exposure.VersionBased:
		return 1
	}
	return 2
}

func sanitizeID(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Sort orders findings by severity (most serious first), then host, port and id.
func Sort(fs []exposure.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.ID < b.ID
	})
}
