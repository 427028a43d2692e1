package web

import (
	"context"
	"sync"
)

// versionTracker follows the store's data version and, through the audit
// trail (store.ChangesSince), which dossiers each write touched: a
// dossier's version is the data version of its last change, so that a
// write to one establishment leaves every other dossier's cached facts,
// evaluations and grid rows valid. Its zero value is ready to use.
type versionTracker struct {
	mu   sync.Mutex
	init bool
	seen int64 // data version up to which the changes are known
	// base is the version of the last change that may concern any dossier.
	base int64
	// last is, per dossier, the version of its last change after base.
	last map[string]int64
}

// sync brings the tracker up to the store's current version and returns it.
func (s *Server) syncVersions(ctx context.Context) (int64, error) {
	t := &s.versions
	cur, ok := knownVersion(ctx)
	if !ok {
		var err error
		if cur, err = s.st.DataVersion(ctx); err != nil {
			return 0, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.init && cur < t.seen {
		// Another request already brought the tracker further than the
		// version read with this one's session: what it knows is newer.
		return t.seen, nil
	}
	if !t.init {
		// Nothing is cached yet: every dossier counts as changed now.
		t.init, t.seen, t.base, t.last = true, cur, cur, map[string]int64{}
		return cur, nil
	}
	if cur == t.seen {
		return cur, nil
	}
	c, err := s.st.ChangesSince(ctx, t.seen)
	if err != nil {
		return 0, err
	}
	if c.All || c.Version < t.seen {
		t.base, t.last = c.Version, map[string]int64{}
	} else {
		for _, d := range c.Dossiers {
			t.last[d] = c.Version
		}
	}
	t.seen = c.Version
	return c.Version, nil
}

// dossierVersion returns the version of a dossier's last known change
// (after syncVersions).
func (s *Server) dossierVersion(id string) int64 {
	t := &s.versions
	t.mu.Lock()
	defer t.mu.Unlock()
	return max(t.base, t.last[id])
}

// changedSince returns the tracker's version, whether every dossier may
// have changed after since, and otherwise the dossiers that did.
func (s *Server) changedSince(since int64) (version int64, all bool, ids []string) {
	t := &s.versions
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == since {
		return t.seen, false, nil
	}
	if t.base > since {
		return t.seen, true, nil
	}
	for id, v := range t.last {
		if v > since {
			ids = append(ids, id)
		}
	}
	return t.seen, false, ids
}
