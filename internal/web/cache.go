package web

import (
	"container/list"
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Sizes of the data cache: loaded facts and rendered dashboards are the
// big entries (a national GHT with two years of audits), evaluations are
// smaller.
const (
	cacheFactsMax = 64
	cacheEvalMax  = 512
)

// lru is a bounded, concurrency-safe least-recently-used map. Its zero
// value is an empty cache holding nothing (max 0 is replaced by 128).
// Values are shared between requests and must be treated as read-only.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used; elements hold *lruEntry
	items map[string]*list.Element
}

// lruEntry is one key and its value.
type lruEntry struct {
	key string
	val any
}

// get returns the value of key, marking it recently used.
func (c *lru) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).val, true
}

// put stores val under key, evicting the least recently used entries
// beyond the bound.
func (c *lru) put(key string, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[string]*list.Element{}
		c.order = list.New()
		if c.max <= 0 {
			c.max = 128
		}
	}
	if el, ok := c.items[key]; ok {
		el.Value.(*lruEntry).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, val: val})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry).key)
	}
}

// len returns how many entries the cache holds.
func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// dataCache keeps what a dossier's pages compute from the store, keyed by
// the dossier's version (versions.go: the data version of its last change,
// known from the audit trail): an entry is only used when its version is
// the dossier's current one, so a write, made by this process or any
// other, is visible on the next request, while writes to other dossiers
// leave it valid. Its zero value is ready to use.
type dataCache struct {
	facts lru // "dossier\x00dossier version" → *care.Facts (as loaded, unfiltered)
	evals lru // facts key + date + options → *care.Evaluation (unfiltered)
	// bodies: evaluation key + view + viewer → *cachedBody (cache_page.go)
	bodies lru
	// flight makes concurrent misses of one key wait for a single
	// computation: when a write changes a big dossier, the requests that
	// arrive during its rebuild share it instead of each loading,
	// evaluating and rendering it again.
	flight singleflight.Group
	once   sync.Once
}

// shared runs fn once for all the concurrent callers of key and gives
// each the result. The computation runs under the context of the caller
// that started it; a caller whose own request is still alive when that
// context ended (the first client went away) runs fn itself.
func (c *dataCache) shared(ctx context.Context, key string, fn func() (any, error)) (any, error) {
	v, err, _ := c.flight.Do(key, fn)
	if err != nil && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return fn()
	}
	return v, err
}

// init sets the bounds once.
func (c *dataCache) init() {
	c.once.Do(func() {
		c.facts.max, c.evals.max, c.bodies.max = cacheFactsMax, cacheEvalMax, cacheBodyMax
	})
}
