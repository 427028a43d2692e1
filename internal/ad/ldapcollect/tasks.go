package ldapcollect

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/snapshot"
)

// A naming context is read as one or more searches ("tasks"): a domain
// naming context, which holds nearly every object, and the Configuration
// one are split into a base search of their head and one subtree search per
// child of the head, so that several connections can read them at once
// (Schema, flat, and the DNS partitions, whose records sit under one
// container, gain nothing from it). Tasks are handed to connections
// in plan order and their results are written in that same order, whatever
// the order they finish in: the snapshot of a directory does not depend on
// timing. A connection that runs ahead keeps at most taskPages pages.

// task is one search of the plan.
type task struct {
	nc    snapshot.NamingContext
	base  string
	scope int
	last  bool        // last task of its naming context
	out   chan result // its pages, in order; closed at the end
}

// result is one converted page of a task, or the error that ended it.
type result struct {
	items []item
	err   error
}

// item is an object or a gap, in the order they are to be written.
type item struct {
	o *snapshot.Object
	g *snapshot.Gap
}

// taskPages bounds the pages a task holds before the writer reaches it.
const taskPages = 2

// tasks lists the searches that read the naming contexts ncs through conn.
// A domain or Configuration naming context read whole is split at its
// head's children;
// failing to list them leaves the context as one task (its search will
// say what is wrong).
func (c *collector) tasks(conn Conn, ncs []snapshot.NamingContext) []*task {
	var out []*task
	for _, nc := range ncs {
		base := c.subtreeBase(nc.DN)
		if base == "" {
			continue
		}
		var split []*task
		if (nc.Kind == "domain" || nc.Kind == "configuration") && base == nc.DN && c.opts.Parallel > 1 {
			split = c.splitNC(conn, nc)
		}
		if split == nil {
			split = []*task{{nc: nc, base: base, scope: ldap.ScopeWholeSubtree}}
		}
		split[len(split)-1].last = true
		out = append(out, split...)
	}
	return out
}

// splitNC lists the children of a naming context's head (DNs only) and
// returns a base search of the head followed by a subtree search of each
// child; nil when the listing fails or finds fewer than two children.
// Children that are themselves planned naming contexts are left to their
// own tasks.
func (c *collector) splitNC(conn Conn, nc snapshot.NamingContext) []*task {
	req := ldap.NewSearchRequest(nc.DN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil)
	res, err := conn.Search(req) // answers of "1.1" are small: no paging needed below MaxPageSize
	if err != nil || len(res.Entries) >= c.opts.PageSize {
		return nil
	}
	out := []*task{{nc: nc, base: nc.DN, scope: ldap.ScopeBaseObject}}
	for _, e := range res.Entries {
		if c.isPlannedNC(e.DN) {
			continue
		}
		out = append(out, &task{nc: nc, base: e.DN, scope: ldap.ScopeWholeSubtree})
	}
	if len(out) < 3 {
		return nil // fewer than two children: one search does as well
	}
	return out
}

// isPlannedNC reports whether dn is the head of a planned naming context.
func (c *collector) isPlannedNC(dn string) bool {
	for _, nc := range c.planned {
		if dnWithin(dn, nc.DN) && dnWithin(nc.DN, dn) {
			return true
		}
	}
	return false
}

// runTasks reads the tasks on up to Options.Parallel connections — first,
// already bound, and others dialled and bound with cfg — and writes their
// results in order. A connection that cannot be opened is done without:
// the collection goes on with the others.
func (c *collector) runTasks(ctx context.Context, cfg Config, first Conn, root RootInfo, list []*task) error {
	if len(list) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, t := range list {
		t.out = make(chan result, taskPages)
	}
	queue := make(chan *task)
	go func() {
		defer close(queue)
		for _, t := range list {
			select {
			case queue <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	work := func(conn Conn) {
		for t := range queue {
			c.runTask(ctx, conn, t)
		}
	}
	wg.Go(func() { work(first) })
	for i := 1; i < min(c.opts.Parallel, len(list)); i++ {
		wg.Go(func() {
			conn, err := c.opts.dial(ctx, cfg)
			if err != nil {
				return
			}
			defer conn.Close()
			if conn.Bind(ctx, cfg, root) == nil {
				work(conn)
			}
		})
	}
	err := c.writeTasks(ctx, list)
	cancel()
	wg.Wait()
	return err
}

// writeTasks writes the results of the tasks in plan order.
func (c *collector) writeTasks(ctx context.Context, list []*task) error {
	n := 0
	for _, t := range list {
		for r := range t.out {
			if r.err != nil {
				return r.err
			}
			for _, it := range r.items {
				if it.o != nil {
					if err := c.writeObject(it.o); err != nil {
						return err
					}
					n++
				} else if err := c.writeGap(*it.g); err != nil {
					return err
				}
			}
			if c.opts.Progress != nil {
				c.opts.Progress(Progress{NamingContext: t.nc.DN, Objects: n})
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if t.last {
			if c.opts.Progress != nil {
				c.opts.Progress(Progress{NamingContext: t.nc.DN, Objects: n, Done: true})
			}
			n = 0
		}
	}
	return nil
}

// runTask runs the paged search of a task and sends its converted pages.
func (c *collector) runTask(ctx context.Context, conn Conn, t *task) {
	defer close(t.out)
	send := func(r result) bool {
		select {
		case t.out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	attrs := requestAttributes()
	if c.opts.RangeStep > 0 {
		for i, a := range attrs {
			if strings.EqualFold(a, "member") {
				attrs[i] = fmt.Sprintf("member;range=0-%d", c.opts.RangeStep-1)
			}
		}
	}
	paging := ldap.NewControlPaging(uint32(c.opts.PageSize))
	sd := ldap.NewControlString(OIDSDFlags, true, sdFlagsOwnerGroupDACL)
	req := ldap.NewSearchRequest(t.base, t.scope, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, []ldap.Control{paging, sd})
	n := 0
	stop := make(chan struct{})
	defer close(stop)
	for p := range pagedSearch(ctx, conn, req, paging, stop) {
		if p.err != nil {
			if ctx.Err() != nil {
				return
			}
			g, err := c.searchFailed(t, n, p.err)
			if g != nil {
				send(result{items: []item{{g: g}}})
			} else {
				send(result{err: err})
			}
			return
		}
		items := make([]item, 0, len(p.res.Entries)+1)
		for _, e := range p.res.Entries {
			o, gaps, err := c.toObject(conn, e)
			if err != nil {
				send(result{err: err})
				return
			}
			items = append(items, item{o: o})
			for i := range gaps {
				items = append(items, item{g: &gaps[i]})
			}
			if !o.Has("nTSecurityDescriptor") {
				items = append(items, item{g: &snapshot.Gap{DN: o.DN, Attribute: "nTSecurityDescriptor", Scope: "security-descriptor",
					Why: "descripteur de sécurité non lu (droits insuffisants du compte de collecte)"}})
			}
			n++
		}
		if !send(result{items: items}) {
			return
		}
	}
}
