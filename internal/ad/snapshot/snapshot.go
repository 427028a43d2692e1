// Package snapshot holds the directory model shared by the LDAP collector, the
// ORADAD reader and the ANSSI checks: objects with their raw attributes, what
// could not be read, and a streaming on-disk format so that a large directory is
// never held in memory twice.
package snapshot

import "time"

// Format is the identifier written in every snapshot header. Readers refuse
// other major versions.
const Format = "vigie-ad-snapshot/1"

// Header opens a snapshot: where and when the directory was read.
type Header struct {
	Format         string          `json:"format"`
	Forest         string          `json:"forest"`           // forest root DNS name, e.g. "lab.test"
	Source         string          `json:"source"`           // "ldap" or "oradad"
	Server         string          `json:"server,omitempty"` // DC host the data came from
	CollectedAt    time.Time       `json:"collected_at"`
	NamingContexts []NamingContext `json:"naming_contexts"`
	// Attributes lists, in lower case, every attribute the source asked
	// for (LDAP) or had a column for (ORADAD): an attribute in this list
	// that no object carries was collected and is simply never set, one
	// outside it was not collected. Empty in snapshots written before
	// the list existed: analysis then cannot tell the two apart.
	Attributes []string `json:"attributes,omitempty"`
}

// NamingContext is one partition of the forest (domain, Configuration, Schema,
// DomainDnsZones, ForestDnsZones).
type NamingContext struct {
	DN   string `json:"dn"`
	Kind string `json:"kind"` // "domain", "configuration", "schema", "dns-domain", "dns-forest"
	// Domain is the DNS name of the domain this context belongs to, when relevant.
	Domain string `json:"domain,omitempty"`
}

// Object is one directory entry as collected. Attribute names are stored in
// lower case. Text values live in Attrs; values of binary syntax (SIDs, GUIDs,
// security descriptors, certificates) live in Bin, so that no byte is lost in
// the JSON encoding.
type Object struct {
	DN    string              `json:"dn"`
	Attrs map[string][]string `json:"a,omitempty"`
	Bin   map[string][][]byte `json:"b,omitempty"`
}

// Gap records something the collector could not read: a denied attribute, an
// unreadable security descriptor, a missing naming context. Checks that need
// what is missing must report "not evaluated".
type Gap struct {
	DN        string `json:"dn,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Scope     string `json:"scope"` // "naming-context", "object", "attribute", "security-descriptor", "domain"
	Why       string `json:"why"`
}

// Trailer closes a complete snapshot. A file without it was truncated.
type Trailer struct {
	Objects int `json:"objects"`
	Gaps    int `json:"gaps"`
}
