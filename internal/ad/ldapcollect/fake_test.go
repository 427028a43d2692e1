package ldapcollect

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
)

// fakeDir is an in-memory directory answering the searches the collector
// sends: root DSE, crossRefs, paged subtree searches and ranged base reads.
type fakeDir struct {
	root     map[string][]string
	entries  map[string][]*ldap.Entry // by NC DN
	members  map[string][]string      // DN -> full member list (served in ranges)
	rangeMax int                      // server-side MaxValRange
	skew     int                      // shifts continuation slices (a broken server)
	noNC     map[string]error         // search base -> error returned by its search
	bindErr  error
	mu       sync.Mutex // the collector searches from several goroutines
	searches int
	served   map[int]int // connection id -> subtree searches served
}

type fakeConn struct {
	d  *fakeDir
	id int
}

func (c fakeConn) Bind(ctx context.Context, cfg Config, root RootInfo) error { return c.d.bindErr }
func (c fakeConn) Close() error                                              { return nil }

func (c fakeConn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	d := c.d
	d.mu.Lock()
	defer d.mu.Unlock()
	d.searches++
	switch {
	case req.BaseDN == "":
		var attrs []*ldap.EntryAttribute
		for k, v := range d.root {
			attrs = append(attrs, ldap.NewEntryAttribute(k, v))
		}
		return &ldap.SearchResult{Entries: []*ldap.Entry{{DN: "", Attributes: attrs}}}, nil
	case strings.HasPrefix(req.BaseDN, "CN=Partitions,"):
		return &ldap.SearchResult{Entries: d.entries["partitions"]}, nil
	case req.Scope == ldap.ScopeBaseObject && len(req.Attributes) == 1 && strings.Contains(req.Attributes[0], ";range="):
		// ranged continuation
		want := req.Attributes[0]
		name, lo, _, ok := parseRange(want)
		if !ok {
			return nil, fmt.Errorf("unexpected base read %q", want)
		}
		return &ldap.SearchResult{Entries: []*ldap.Entry{{DN: req.BaseDN, Attributes: []*ldap.EntryAttribute{d.slice(req.BaseDN, name, lo+d.skew)}}}}, nil
	}
	if err := d.noNC[req.BaseDN]; err != nil {
		return nil, err
	}
	if req.Scope == ldap.ScopeWholeSubtree {
		if d.served == nil {
			d.served = map[int]int{}
		}
		d.served[c.id]++
	}
	nc := ""
	for k := range d.entries {
		if (req.BaseDN == k || strings.HasSuffix(req.BaseDN, ","+k)) && len(k) > len(nc) {
			nc = k
		}
	}
	var all []*ldap.Entry
	for _, e := range d.entries[nc] {
		parent := ""
		if i := strings.IndexByte(e.DN, ','); i >= 0 {
			parent = e.DN[i+1:]
		}
		switch req.Scope {
		case ldap.ScopeBaseObject:
			if e.DN != req.BaseDN {
				continue
			}
		case ldap.ScopeSingleLevel:
			if parent != req.BaseDN {
				continue
			}
		default:
			if e.DN != req.BaseDN && !strings.HasSuffix(e.DN, ","+req.BaseDN) {
				continue
			}
		}
		all = append(all, e)
	}
	if nc == "" || (req.Scope == ldap.ScopeBaseObject && len(all) == 0) {
		return nil, ldap.NewError(ldap.LDAPResultNoSuchObject, fmt.Errorf("no such object %s", req.BaseDN))
	}
	var pc *ldap.ControlPaging
	for _, ctl := range req.Controls {
		if p, ok := ctl.(*ldap.ControlPaging); ok {
			pc = p
		}
	}
	start := 0
	if pc != nil && len(pc.Cookie) > 0 {
		fmt.Sscanf(string(pc.Cookie), "%d", &start)
	}
	end := len(all)
	if pc != nil && start+int(pc.PagingSize) < end {
		end = start + int(pc.PagingSize)
	}
	res := &ldap.SearchResult{}
	for _, e := range all[start:end] {
		cp := &ldap.Entry{DN: e.DN, Attributes: append([]*ldap.EntryAttribute(nil), e.Attributes...)}
		if m, ok := d.members[e.DN]; ok {
			if len(m) > d.rangeMax {
				cp.Attributes = append(cp.Attributes, d.slice(e.DN, "member", 0))
			} else {
				cp.Attributes = append(cp.Attributes, ldap.NewEntryAttribute("member", m))
			}
		}
		res.Entries = append(res.Entries, cp)
	}
	cookie := ""
	if end < len(all) {
		cookie = fmt.Sprint(end)
	}
	res.Controls = []ldap.Control{&ldap.ControlPaging{PagingSize: 0, Cookie: []byte(cookie)}}
	return res, nil
}

// slice serves member values from lo, at most rangeMax of them, named as AD does.
func (d *fakeDir) slice(dn, name string, lo int) *ldap.EntryAttribute {
	m := d.members[dn]
	hi := lo + d.rangeMax - 1
	if hi >= len(m)-1 {
		return ldap.NewEntryAttribute(fmt.Sprintf("%s;range=%d-*", name, lo), m[lo:])
	}
	return ldap.NewEntryAttribute(fmt.Sprintf("%s;range=%d-%d", name, lo, hi), m[lo:hi+1])
}

func entry(dn string, kv ...string) *ldap.Entry {
	e := &ldap.Entry{DN: dn}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Attributes = append(e.Attributes, &ldap.EntryAttribute{Name: kv[i], Values: []string{kv[i+1]}, ByteValues: [][]byte{[]byte(kv[i+1])}})
	}
	return e
}

func newFakeDir() *fakeDir {
	return &fakeDir{
		root: map[string][]string{
			"defaultNamingContext":       {"DC=corp,DC=test"},
			"configurationNamingContext": {"CN=Configuration,DC=corp,DC=test"},
			"schemaNamingContext":        {"CN=Schema,CN=Configuration,DC=corp,DC=test"},
			"rootDomainNamingContext":    {"DC=corp,DC=test"},
			"dnsHostName":                {"dc1.corp.test"},
			"namingContexts": {"DC=corp,DC=test", "CN=Configuration,DC=corp,DC=test",
				"CN=Schema,CN=Configuration,DC=corp,DC=test", "DC=DomainDnsZones,DC=corp,DC=test", "DC=ForestDnsZones,DC=corp,DC=test"},
		},
		entries:  map[string][]*ldap.Entry{},
		members:  map[string][]string{},
		rangeMax: 1500,
		noNC:     map[string]error{},
	}
}
