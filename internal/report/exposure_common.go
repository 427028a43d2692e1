package report

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"sort"
	"strconv"

	"vigie/internal/exposure"
)

// confidenceFR is the French label of a confidence.
func confidenceFR(c exposure.Confidence) string {
	switch c {
	case exposure.Confirmed:
		return "confirmée"
	case exposure.VersionBased:
		return "par version"
	case exposure.Inferred:
		return "inférée"
	}
	return string(c)
}

// FindingID is the stable identifier of a finding across audits: the first
// 16 hex digits of SHA-256 over Finding.Key() (asset, port/proto, check id).
func FindingID(f exposure.Finding) string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:8])
}

// target is host:port (IPv6 in brackets) or the host alone.
func target(f exposure.Finding) string {
	if f.Port == 0 {
		return f.Host
	}
	return net.JoinHostPort(f.Host, strconv.Itoa(f.Port))
}

// sortedFindings returns a copy sorted by severity, host, port and id.
func sortedFindings(fs []exposure.Finding) []exposure.Finding {
	out := append([]exposure.Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
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
	return out
}

// countsOf recounts an audit's findings (the stored summary may be stale).
func countsOf(a *exposure.Audit) exposure.Summary {
	return exposure.Summarize(a.Findings)
}
