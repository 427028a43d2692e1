package exposure

// Observation is a fact a probe established about one service, keyed by an
// exposure class (e.g. "redis-noauth", "rdp-exposed", "tls-expired-cert").
// The severity policy (package policy, data not code) turns observations into
// findings; the vulnerability database adds version-based ones.
type Observation struct {
	Class    string `json:"class"`
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`
	Service  string `json:"service,omitempty"`
	Product  string `json:"product,omitempty"`
	Version  string `json:"version,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	// Build is the distribution package revision seen in the banner (e.g.
	// "Debian-2+deb12u10"): distributions backport security fixes without
	// changing the upstream version, so a version-only match is doubtful.
	Build      string     `json:"build,omitempty"`
	Confidence Confidence `json:"confidence"`
}
