// Package ldapcollect reads an Active Directory forest over LDAP into a
// snapshot: the root DSE, the five naming contexts (domain, Configuration,
// Schema, DomainDnsZones, ForestDnsZones) and every other domain of the
// forest that can be reached, with security descriptors (owner, group, DACL)
// and complete multi-valued attributes (ranged retrieval). Objects are
// streamed to the snapshot writer as they arrive. The collector only binds
// and searches: see Conn.
package ldapcollect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/snapshot"
)

// Connections a collection opens on one domain controller.
const (
	DefaultParallel = 4
	MaxParallel     = 8
)

// OIDs of the controls sent with every search.
const (
	// OIDSDFlags is LDAP_SERVER_SD_FLAGS_OID: which parts of
	// nTSecurityDescriptor to return.
	OIDSDFlags = "1.2.840.113556.1.4.801"
	// sdFlagsOwnerGroupDACL is BER SEQUENCE { INTEGER 7 }: owner, group and DACL
	// (the SACL needs a privilege the audit does not need).
	sdFlagsOwnerGroupDACL = "\x30\x03\x02\x01\x07"
)

// Options tunes a collection.
type Options struct {
	// Base limits the collection to one subtree (in the naming context that
	// holds it). Empty: the whole forest.
	Base string
	// PageSize is the paged-results page size (default 1000, AD's MaxPageSize).
	PageSize int
	// Parallel is the number of connections reading a domain controller at
	// once (default DefaultParallel, at most MaxParallel; 1 reads each
	// naming context in turn on one connection, as ldapsearch does).
	Parallel int
	// RangeStep, when positive, asks for multi-valued member lists in slices
	// of this size (member;range=0-N) instead of letting the server choose.
	// AD slices at 1,500 by itself; Samba only when asked.
	RangeStep int
	// Progress, when set, is called after each page and at the end of each
	// naming context.
	Progress func(Progress)
	// Now gives the collection time (default time.Now).
	Now func() time.Time
	// Sysvol is the listing of the SYSVOL share read beside the directory
	// (a mounted share, sysvolfs); the snapshot's header carries it.
	Sysvol *snapshot.Sysvol
	// dial replaces Dial in tests.
	dial func(ctx context.Context, cfg Config) (Conn, error)
}

// Progress reports how far the collection of one naming context went.
type Progress struct {
	NamingContext string
	Objects       int
	Done          bool
}

// Summary describes a finished collection.
type Summary struct {
	Server         string
	Forest         string
	NamingContexts []snapshot.NamingContext
	Objects        int
	Gaps           int
	Elapsed        time.Duration
}

// Collect connects to the DC described by cfg, reads the forest and writes
// the snapshot file out. The file appears only if the collection finishes.
func Collect(ctx context.Context, cfg Config, opts Options, out string) (Summary, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	switch {
	case opts.Parallel <= 0:
		opts.Parallel = DefaultParallel
	case opts.Parallel > MaxParallel:
		return Summary{}, newErr(KindConfig, nil, "%d connexions simultanées demandées : %d au plus, pour ne pas charger le contrôleur", opts.Parallel, MaxParallel)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.dial == nil {
		opts.dial = Dial
	}
	cfg, err := cfg.normalize()
	if err != nil {
		return Summary{}, err
	}
	start := opts.Now()
	conn, err := opts.dial(ctx, cfg)
	if err != nil {
		return Summary{}, err
	}
	defer conn.Close()

	// The root DSE is readable anonymously on AD and Samba; it gives the DC's
	// DNS name for Kerberos. Some hardened servers refuse: read it after bind.
	pre, _ := readRootDSE(conn)
	if err := conn.Bind(ctx, cfg, rootInfo(pre)); err != nil {
		return Summary{}, err
	}
	root, err := readRootDSE(conn)
	if err != nil {
		return Summary{}, fmt.Errorf("lecture du rootDSE de %s : %w", cfg.Host, classify(err))
	}
	c := &collector{cfg: cfg, opts: opts, conn: conn, root: rootInfo(pre)}
	plan, err := c.plan(root)
	if err != nil {
		return Summary{}, err
	}
	c.planned = plan.contexts()
	if opts.Base != "" && !plan.holds(opts.Base) {
		return Summary{}, newErr(KindConfig, nil, "la base %q n'appartient à aucun contexte de nommage de la forêt %s", opts.Base, plan.forest)
	}
	h := snapshot.Header{
		Forest:         plan.forest,
		Source:         "ldap",
		Server:         firstNonEmpty(root.Get("dnsHostName"), cfg.Host),
		CollectedAt:    start.UTC(),
		NamingContexts: plan.contexts(),
		Attributes:     CollectedAttributes(),
		Sysvol:         opts.Sysvol,
	}
	w, err := snapshot.Create(out, h)
	if err != nil {
		return Summary{}, err
	}
	c.w = w
	if err := c.run(ctx, root, plan); err != nil {
		w.Abort()
		return Summary{}, err
	}
	if err := w.Close(); err != nil {
		return Summary{}, err
	}
	return Summary{
		Server: h.Server, Forest: h.Forest, NamingContexts: h.NamingContexts,
		Objects: c.objects, Gaps: c.gaps, Elapsed: opts.Now().Sub(start),
	}, nil
}

// collector holds the state of one collection.
type collector struct {
	cfg     Config
	opts    Options
	conn    Conn
	root    RootInfo // what the DC said of itself before bind
	w       *snapshot.Writer
	planned []snapshot.NamingContext
	objects int
	gaps    int
}

func (c *collector) writeObject(o *snapshot.Object) error {
	c.objects++
	if err := c.w.WriteObject(o); err != nil {
		return fmt.Errorf("écriture de l'instantané : %w", err)
	}
	return nil
}

func (c *collector) writeGap(g snapshot.Gap) error {
	c.gaps++
	if err := c.w.WriteGap(g); err != nil {
		return fmt.Errorf("écriture de l'instantané : %w", err)
	}
	return nil
}

// run writes the root DSE, then every planned naming context.
func (c *collector) run(ctx context.Context, root *snapshot.Object, p *plan) error {
	if err := c.writeObject(root); err != nil {
		return err
	}
	for _, g := range p.gaps {
		if err := c.writeGap(g); err != nil {
			return err
		}
	}
	if err := c.runTasks(ctx, c.cfg, c.conn, c.root, c.tasks(c.conn, p.local)); err != nil {
		return err
	}
	for _, d := range p.remote {
		if err := c.collectRemoteDomain(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// subtreeBase returns where to search inside nc: nc itself, or Options.Base
// when it lies inside nc ("" when it lies elsewhere).
func (c *collector) subtreeBase(nc string) string {
	if c.opts.Base == "" {
		return nc
	}
	if !dnWithin(c.opts.Base, nc) {
		return ""
	}
	// the base belongs to the most specific context holding it
	// (CN=Configuration,DC=x lies textually under DC=x too)
	for _, other := range c.planned {
		if len(other.DN) > len(nc) && dnWithin(other.DN, nc) && dnWithin(c.opts.Base, other.DN) {
			return ""
		}
	}
	return c.opts.Base
}

// collectRemoteDomain connects to another domain of the forest by its DNS
// name with the same credentials. Failure is a gap, not an error.
func (c *collector) collectRemoteDomain(ctx context.Context, d remoteDomain) error {
	cfg := c.cfg
	cfg.Host, cfg.ServerName, cfg.SPN = d.dnsRoot, d.dnsRoot, ""
	conn, err := c.opts.dial(ctx, cfg)
	var info RootInfo
	if err == nil {
		pre, _ := readRootDSE(conn)
		info = rootInfo(pre)
		if info.DNSHostName == "" {
			info.DNSHostName = d.dnsRoot
		}
		err = conn.Bind(ctx, cfg, info)
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for _, nc := range d.contexts {
			if err := c.writeGap(snapshot.Gap{DN: nc.DN, Scope: "domain", Why: fmt.Sprintf("domaine %s injoignable : %v", d.dnsRoot, err)}); err != nil {
				return err
			}
		}
		return nil
	}
	defer conn.Close()
	return c.runTasks(ctx, cfg, conn, info, c.tasks(conn, d.contexts))
}

// searchFailed decides whether a failed search is a gap or fatal: a whole
// naming context that is elsewhere, absent or denied is a gap of the
// context; a subtree of it, a gap of that subtree.
func (c *collector) searchFailed(t *task, n int, err error) (*snapshot.Gap, error) {
	whole := strings.EqualFold(t.base, t.nc.DN)
	gap := func(why string) (*snapshot.Gap, error) {
		if whole {
			return &snapshot.Gap{DN: t.nc.DN, Scope: "naming-context", Why: why}, nil
		}
		return &snapshot.Gap{DN: t.base, Scope: "object", Why: "sous-arbre non collecté : " + why}, nil
	}
	userBase := c.opts.Base != "" && t.base == c.opts.Base
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultReferral):
		if userBase {
			return nil, newErr(KindReferral, err, "la base %q n'est pas tenue par ce contrôleur (renvoi) : interrogez un contrôleur du domaine concerné", t.base)
		}
		return gap(fmt.Sprintf("contexte renvoyé vers un autre serveur : %v", err))
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		if userBase {
			return nil, newErr(KindConfig, err, "la base %q n'existe pas dans l'annuaire", t.base)
		}
		if whole {
			return gap("contexte de nommage absent du contrôleur")
		}
		return gap("objet supprimé pendant la collecte")
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights):
		return gap(fmt.Sprintf("lecture refusée après %d objets : %v", n, err))
	}
	return nil, fmt.Errorf("recherche dans %s après %d objets : %w", t.base, n, classify(err))
}

// toObject converts an entry, completing ranged attributes; it returns
// the gaps of values the server would not give.
func (c *collector) toObject(conn Conn, e *ldap.Entry) (*snapshot.Object, []snapshot.Gap, error) {
	o := &snapshot.Object{DN: e.DN}
	var gaps []snapshot.Gap
	for _, a := range e.Attributes {
		name, _, hi, ranged := parseRange(a.Name)
		o.Add(name, a.ByteValues...)
		if !ranged || hi < 0 {
			continue
		}
		g, err := c.fetchRest(conn, o, e.DN, name, hi)
		if err != nil {
			return nil, nil, err
		}
		if g != nil {
			gaps = append(gaps, *g)
		}
	}
	return o, gaps, nil
}

// fetchRest follows name;range=…-hi with base searches until the server
// answers a slice ending in "*"; an incomplete list is a gap.
func (c *collector) fetchRest(conn Conn, o *snapshot.Object, dn, name string, hi int) (*snapshot.Gap, error) {
	for round := 0; ; round++ {
		next := hi + 1
		want := fmt.Sprintf("%s;range=%d-*", name, next)
		if c.opts.RangeStep > 0 {
			want = fmt.Sprintf("%s;range=%d-%d", name, next, next+c.opts.RangeStep-1)
		}
		req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{want}, nil)
		res, err := conn.Search(req)
		if err != nil {
			return nil, fmt.Errorf("lecture de %s (valeurs %d et suivantes) sur %s : %w", name, next, dn, classify(err))
		}
		found := false
		for _, e := range res.Entries {
			for _, a := range e.Attributes {
				n, l, h, ok := parseRange(a.Name)
				if !ok || !strings.EqualFold(n, name) {
					continue
				}
				if l != next {
					return &snapshot.Gap{DN: dn, Attribute: name, Scope: "attribute",
						Why: fmt.Sprintf("plage de valeurs inattendue %d au lieu de %d : liste incomplète", l, next)}, nil
				}
				found = true
				o.Add(n, a.ByteValues...)
				hi = h
			}
		}
		if !found {
			return &snapshot.Gap{DN: dn, Attribute: name, Scope: "attribute",
				Why: fmt.Sprintf("le serveur n'a pas renvoyé les valeurs à partir de %d : liste incomplète", next)}, nil
		}
		if hi < 0 {
			return nil, nil
		}
		if round > 1<<20 {
			return nil, fmt.Errorf("%s sur %s : trop de tranches de valeurs", name, dn)
		}
	}
}

// parseRange splits "member;range=0-1499" into ("member", 0, 1499, true);
// an open end "*" gives hi = -1.
func parseRange(attr string) (name string, lo, hi int, ok bool) {
	i := indexFold(attr, ";range=")
	if i < 0 {
		return attr, 0, 0, false
	}
	name = attr[:i]
	spec := attr[i+len(";range="):]
	if j := strings.IndexByte(spec, ';'); j >= 0 {
		spec = spec[:j]
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return name, 0, 0, false
	}
	lo, err := strconv.Atoi(a)
	if err != nil || lo < 0 {
		return name, 0, 0, false
	}
	if b == "*" {
		return name, lo, -1, true
	}
	hi, err = strconv.Atoi(b)
	if err != nil || hi < lo {
		return name, 0, 0, false
	}
	return name, lo, hi, true
}

// indexFold is strings.Index ignoring ASCII case, on bytes (strings.ToLower
// would change the length of invalid UTF-8).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// classify maps a transport failure to a user error when it is one.
func classify(err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return err
	}
	if ldap.IsErrorWithCode(err, ldap.ErrorNetwork) {
		return newErr(KindUnreachable, err, "connexion au contrôleur perdue")
	}
	return err
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
