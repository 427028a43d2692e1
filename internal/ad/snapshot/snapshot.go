// Package snapshot holds the directory model shared by the LDAP collector, the
// ORADAD reader and the ANSSI checks: objects with their raw attributes, what
// could not be read, and a streaming on-disk format so that a large directory is
// never held in memory twice.
//
// A snapshot file is a gzip stream. Version 2 (written today, see format.go)
// holds length-prefixed binary records; version 1 (JSON lines, read only)
// stays readable.
package snapshot

import "time"

// Format is the identifier written at the start of every snapshot. Readers
// refuse other major versions.
const Format = "vigie-ad-snapshot/2"

// FormatV1 is the identifier of the JSON-lines format written before
// version 2; it is still read.
const FormatV1 = "vigie-ad-snapshot/1"

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
	// ToolVersion is the version of the tool that made an imported
	// extraction (ORADAD's oradad_version); empty for Vigie's own LDAP
	// collection, or when the extraction does not say.
	ToolVersion string `json:"tool_version,omitempty"`
	// Sysvol is the SYSVOL listing read with the directory (ORADAD), nil
	// when SYSVOL was not read (sysvol.go).
	Sysvol *Sysvol `json:"sysvol,omitempty"`
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
// security descriptors, certificates) live in Bin, so that no byte is lost.
//
// Attrs and Bin are where an object being built (collector, ORADAD reader,
// tests) gets its attributes. An object read from a version 2 file holds
// them instead in a compact form (sorted slices sharing one block of text,
// a fraction of the memory of two maps), with Attrs and Bin nil: read
// attributes through the methods (Get, All, Binary, BinaryAll, Has, Names),
// which work on both forms. Add and SetText move a compact object back to
// the maps first. Values read from a file may be shared between objects:
// replace them, never modify them in place.
type Object struct {
	DN    string              `json:"dn"`
	Attrs map[string][]string `json:"a,omitempty"`
	Bin   map[string][][]byte `json:"b,omitempty"`

	packed bool       // attributes are in text and bin, not in the maps
	text   []textAttr // sorted by name
	bin    []binAttr  // sorted by name
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
