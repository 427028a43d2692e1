// Package exposure holds the model of an internet exposure audit shared by the
// perimeter, scanner, probes, policy and output packages: the declared
// perimeter, the hosts and services found, the findings and their severity.
package exposure

import (
	"strconv"
	"time"
)

// Severity is the gravity of a finding. JSON keys and values are in English;
// tables and reports print the French label.
type Severity string

// Severities, from the most to the least serious.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity from the most to the least serious.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// French returns the label used in French tables and reports.
func (s Severity) French() string {
	switch s {
	case Critical:
		return "critique"
	case High:
		return "élevée"
	case Medium:
		return "moyenne"
	case Low:
		return "faible"
	case Info:
		return "info"
	}
	return string(s)
}

// Rank orders severities: 0 for critical, 4 for info, 5 for unknown values.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return len(Severities)
}

// Confidence says how a finding was established.
type Confidence string

// Confidences: a protocol answer proves it, a version suggests it, or it is
// only inferred (e.g. from a port).
const (
	Confirmed    Confidence = "confirmed"
	VersionBased Confidence = "version"
	Inferred     Confidence = "inferred"
)

// Perimeter is what the establishment declared: only these may be scanned.
type Perimeter struct {
	Entities []string `json:"entities,omitempty"` // FINESS numbers the perimeter belongs to
	Domains  []string `json:"domains,omitempty"`
	Hosts    []string `json:"hosts,omitempty"`
	Networks []string `json:"networks,omitempty"` // IPv4/IPv6 addresses and CIDRs
	ASNs     []ASN    `json:"asns,omitempty"`
}

// ASN is an autonomous system with the prefixes the user gave for it (no
// internet look-up is assumed).
type ASN struct {
	Number   uint32   `json:"number"`
	Prefixes []string `json:"prefixes"`
}

// Audit is one exposure audit: what was scanned, what answered, what is wrong.
// Stored audits are immutable; a re-run is a new audit.
type Audit struct {
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Perimeter  Perimeter `json:"perimeter"`
	// Complete is true when every address of the declared perimeter was scanned.
	Complete   bool        `json:"complete_perimeter"`
	Candidates []Candidate `json:"candidates,omitempty"`
	Hosts      []Host      `json:"hosts"`
	Findings   []Finding   `json:"findings"`
	Summary    Summary     `json:"summary"`
}

// Candidate is an address discovered outside the perimeter: reported, never scanned.
type Candidate struct {
	Address string `json:"address"`
	Name    string `json:"name,omitempty"`
	Why     string `json:"why"`
}

// Host is one scanned address with its open ports.
type Host struct {
	Address string   `json:"address"`
	Names   []string `json:"names,omitempty"`
	Ports   []Port   `json:"ports"`
}

// Port is one open port and what answered on it.
type Port struct {
	Port    int    `json:"port"`
	Proto   string `json:"proto"`
	Service string `json:"service,omitempty"`
	Product string `json:"product,omitempty"`
	Version string `json:"version,omitempty"`
	Banner  string `json:"banner,omitempty"`
	TLS     bool   `json:"tls,omitempty"`
}

// Finding is one vulnerability or exposure.
type Finding struct {
	ID         string     `json:"id"`
	Host       string     `json:"host"`
	Port       int        `json:"port,omitempty"`
	Service    string     `json:"service,omitempty"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence"`
	Title      string     `json:"title"`
	// Category is the French type of the finding (e.g. "Base de données",
	// "Chiffrement"), as in CERT Santé reports; set by the policy.
	Category    string   `json:"category,omitempty"`
	Evidence    string   `json:"evidence,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
	References  []string `json:"references,omitempty"`
	CVEs        []string `json:"cves,omitempty"`
}

// Key identifies a finding across audits (asset, port/proto, check id).
func (f Finding) Key() string {
	return f.Host + "|" + strconv.Itoa(f.Port) + "/tcp|" + f.ID
}

// Summary counts findings by severity.
type Summary struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// Summarize recounts the findings by severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case Critical:
			s.Critical++
		case High:
			s.High++
		case Medium:
			s.Medium++
		case Low:
			s.Low++
		default:
			s.Info++
		}
	}
	return s
}
