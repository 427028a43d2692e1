package store

import (
	"context"
	"sync"
)

// VersionTracker follows the data version and, through the audit trail
// (ChangesSince), which dossiers each write touched: a dossier's version
// is the data version of its last change, so that a write to one
// establishment leaves what a process computed from every other dossier
// valid. The web cache and the audit planner each keep one. Its zero
// value is ready to use.
type VersionTracker struct {
	mu   sync.Mutex
	init bool
	seen int64 // data version up to which the changes are known
	// base is the version of the last change that may concern any dossier.
	base int64
	// last is, per dossier, the version of its last change after base.
	last map[string]int64
}

// Sync brings the tracker up to the store's current version and returns
// it. cur is that version when the caller already read it (known), else
// Sync reads it.
func (t *VersionTracker) Sync(ctx context.Context, s *Store, cur int64, known bool) (int64, error) {
	if !known {
		var err error
		if cur, err = s.DataVersion(ctx); err != nil {
			return 0, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.init && cur < t.seen {
		// Another caller already brought the tracker further than the
		// version this one read: what it knows is newer.
		return t.seen, nil
	}
	if !t.init {
		// Nothing is known yet: every dossier counts as changed now.
		t.init, t.seen, t.base, t.last = true, cur, cur, map[string]int64{}
		return cur, nil
	}
	if cur == t.seen {
		return cur, nil
	}
	c, err := s.ChangesSince(ctx, t.seen)
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

// Dossier returns the version of a dossier's last known change (after
// Sync).
func (t *VersionTracker) Dossier(id string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return max(t.base, t.last[id])
}

// ChangedSince returns the tracker's version, whether every dossier may
// have changed after since, and otherwise the dossiers that did.
func (t *VersionTracker) ChangedSince(since int64) (version int64, all bool, ids []string) {
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
