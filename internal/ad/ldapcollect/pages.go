package ldapcollect

import (
	"context"

	"github.com/go-ldap/ldap/v3"
)

// page is one answer of a paged search, or the error that ended it.
type page struct {
	res *ldap.SearchResult
	err error
}

// pagedSearch runs a paged search in its own goroutine, one page ahead of
// the consumer: the server prepares page N+1 while page N is converted and
// written. At most two pages are held in memory. Closing stop ends it early.
func pagedSearch(ctx context.Context, conn Conn, req *ldap.SearchRequest, paging *ldap.ControlPaging, stop <-chan struct{}) <-chan page {
	out := make(chan page, 1)
	go func() {
		defer close(out)
		for {
			var p page
			if err := ctx.Err(); err != nil {
				p.err = err
			} else {
				p.res, p.err = conn.Search(req)
			}
			select {
			case out <- p:
			case <-stop:
				return
			}
			if p.err != nil {
				return
			}
			pc, _ := ldap.FindControl(p.res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
			if pc == nil || len(pc.Cookie) == 0 {
				return
			}
			paging.SetCookie(pc.Cookie)
		}
	}()
	return out
}
