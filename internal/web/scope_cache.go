package web

import (
	"sync"

	"vigie/internal/org"
)

// scopeCacheMax bounds the establishment scopes kept per data version.
const scopeCacheMax = 4096

// scopeEntry is what an establishment scope loads from the store: the
// establishment, its sites, and the dossier that holds them.
type scopeEntry struct {
	own          map[org.FINESS]bool // read-only once cached
	ownApplicant string
}

// scopeCache keeps establishment scopes for one data version: entities
// and dossier memberships change only by writes, and every write bumps
// the data version (store.trail), so an entry is valid exactly as long as
// the version it was read at. Its zero value is ready to use.
type scopeCache struct {
	mu      sync.Mutex
	version int64
	m       map[org.FINESS]scopeEntry
}

// get returns the scope of f read at version, if cached.
func (c *scopeCache) get(f org.FINESS, version int64) (scopeEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.version != version {
		return scopeEntry{}, false
	}
	e, ok := c.m[f]
	return e, ok
}

// put caches the scope of f read at version; a newer version empties the
// cache, an older one is not kept.
func (c *scopeCache) put(f org.FINESS, version int64, e scopeEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case version < c.version:
		return
	case version > c.version || c.m == nil || len(c.m) >= scopeCacheMax:
		c.version, c.m = version, map[org.FINESS]scopeEntry{}
	}
	c.m[f] = e
}
