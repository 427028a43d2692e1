package snapshot

import (
	"strings"
	"time"
)

// Sysvol is the listing of a forest's SYSVOL shares read with the
// directory (ORADAD's sysvol.tsv): every file and folder, with its
// security descriptor (owner and DACL) and last write time. Vigie's LDAP
// collection does not read SYSVOL (an SMB share): the header then has none.
type Sysvol struct {
	Source  string        `json:"source"` // where the listing comes from, e.g. "oradad"
	Entries []SysvolEntry `json:"entries"`
}

// SysvolEntry is one file or folder of a domain's SYSVOL share.
type SysvolEntry struct {
	Domain string `json:"domain"`
	// GUID is the group policy the entry belongs to ("{…}", the folder
	// under Policies), empty outside policies.
	GUID string `json:"guid,omitempty"`
	// Path is relative to the domain's SYSVOL folder, with backslashes:
	// "Policies\{…}\Machine\Registry.pol".
	Path string `json:"path"`
	Name string `json:"name"`
	Dir  bool   `json:"dir,omitempty"`
	// SD is the self-relative security descriptor (owner and DACL); nil
	// when it could not be read.
	SD        []byte    `json:"sd,omitempty"`
	LastWrite time.Time `json:"last_write,omitzero"`
	// Error is the Windows error the collector met on this entry (0: none).
	Error uint32 `json:"error,omitempty"`
}

// PolicyRoot reports whether the entry is the root folder of a group
// policy (Policies\{GUID}).
func (e SysvolEntry) PolicyRoot() bool {
	return e.GUID != "" && e.Dir && strings.EqualFold(e.Name, e.GUID)
}
