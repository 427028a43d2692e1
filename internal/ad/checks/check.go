// Package checks implements the 76 ANSSI Active Directory control points
// ("vuln_*"). Each control point is a small unit keyed by its public ID that
// declares the data it needs and returns the grades it fails with the
// offending objects. Titles, remediations, grades and thresholds are data
// (catalog.json, embedded, overridable by a user file). ANSSI's warnings
// and informations (warning_*, info_*) are built the same way, apart
// (advisory.go, advisories.json): they never enter the level.
package checks

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"vigie/internal/ad/model"
	"vigie/internal/french"
)

// Status is the outcome of one control point.
type Status string

// Outcomes of a control point. "not_evaluated" is never a pass.
const (
	Passed       Status = "passed"
	Failed       Status = "failed"
	NotEvaluated Status = "not_evaluated"
)

// ObjectRef names one offending object.
type ObjectRef struct {
	DN     string `json:"dn"`
	Sam    string `json:"sam,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Failure is one failed grade of a control point with its objects.
type Failure struct {
	Grade   int         `json:"grade"`
	Detail  string      `json:"detail,omitempty"`
	Objects []ObjectRef `json:"objects"`
}

// Result is what a control point produced.
type Result struct {
	ID       string    `json:"id"`
	Status   Status    `json:"status"`
	Why      string    `json:"why,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
}

// Needs declares the data a control point requires. When any is missing
// from the snapshot the point is reported not evaluated, with the reason;
// a point never passes on data it did not see.
type Needs struct {
	// SD: security descriptors must have been collected.
	SD bool
	// NC: naming-context kinds ("configuration", "schema", "dns-domain", …).
	NC []string
	// Attrs: attributes the point reads. Each must have been collected
	// (listed in the snapshot header; for older snapshots, present on at
	// least one object).
	Attrs []string
	// Optional: attributes the point reads when present but can do
	// without: their absence only makes it stricter (a tolerance rule not
	// applied), never lets a weakness pass. The collector still fetches
	// them.
	Optional []string
	// Targets: the objects the point examines.
	Targets []Target
	// Privileged, when set, names data only an administrator can read: the
	// point is evaluated only when the collecting account is known to be
	// one, or when the data itself shows it was readable.
	Privileged *Privileged
}

// Target is a set of objects a control point examines.
type Target struct {
	// What names the objects for people (French).
	What string
	// Find selects them.
	Find func(d *model.Directory) []*model.Object
	// Optional targets may legitimately not exist (nothing to check then).
	Optional bool
	// PerDomain: every collected domain must hold at least one.
	PerDomain bool
	// AdminOnly: only administrators can read them, so their absence means
	// something only when the collecting account is one.
	AdminOnly bool
	// Filter is the LDAP filter that finds them on a DC, for targets whose
	// absence does not stop the evaluation (Optional, AdminOnly): what an
	// administrator can check by hand, and what the end-to-end tests
	// compare with the collection.
	Filter string
}

// Privileged describes data that only administrators can read.
type Privileged struct {
	// What names the data (French).
	What string
	// Seen reports evidence in the snapshot that it was readable anyway.
	Seen func(d *model.Directory) bool
}

// Check is one control point.
type Check struct {
	ID    string
	Needs Needs
	Run   func(c *Context) ([]Failure, error)
}

// Context is what a control point runs against.
type Context struct {
	Dir  *model.Directory
	AsOf time.Time
	// Entry is the catalogue entry (grades, thresholds).
	Entry Entry
	// Targets holds what each Needs.Targets entry found, in order.
	Targets [][]*model.Object
}

// Param returns a threshold from the catalogue, or def when absent.
func (c *Context) Param(name string, def float64) float64 {
	if v, ok := c.Entry.Params[name]; ok {
		return v
	}
	return def
}

// Days returns a threshold in days as a duration.
func (c *Context) Days(name string, def float64) time.Duration {
	return time.Duration(c.Param(name, def) * float64(24*time.Hour))
}

// OlderThan reports whether a date attribute is older than d at AsOf;
// a missing or "never" value counts as older (never changed / never used).
func (c *Context) OlderThan(o *model.Object, attr string, d time.Duration) bool {
	t, ok := o.Time(attr)
	if !ok {
		return true
	}
	return c.AsOf.Sub(t) > d
}

// Inactive reports whether an account's last authentication (attr, e.g.
// lastLogonTimestamp) is older than d. An account that carries no such date
// has never authenticated since it was created: it is inactive only when it
// was created more than d ago. Samba never sets lastLogonTimestamp on a
// freshly provisioned DC, which must not read as "inactive for ever".
func (c *Context) Inactive(o *model.Object, attr string, d time.Duration) bool {
	if _, ok := o.Time(attr); ok {
		return c.OlderThan(o, attr, d)
	}
	return c.OlderThan(o, "whencreated", d)
}

// errNotEvaluated marks a control point that could not be evaluated.
type errNotEvaluated struct{ why string }

func (e *errNotEvaluated) Error() string { return e.why }

// skip returns the error that makes a point "not evaluated".
func skip(format string, a ...any) error { return &errNotEvaluated{why: fmt.Sprintf(format, a...)} }

// ref builds an ObjectRef for an object.
func ref(o *model.Object, detail string) ObjectRef {
	return ObjectRef{DN: o.DN, Sam: o.Sam(), Detail: detail}
}

// failIf returns one failure of grade g when objs is not empty.
func failIf(g int, detail string, objs []ObjectRef) []Failure {
	if len(objs) == 0 {
		return nil
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].DN < objs[j].DN })
	return []Failure{{Grade: g, Detail: detail, Objects: objs}}
}

// Run evaluates every registered control point against dir.
func Run(dir *model.Directory, cat *Catalog, asOf time.Time) []Result {
	var out []Result
	for _, ch := range All() {
		e, ok := cat.Entries[ch.ID]
		out = append(out, runOne(dir, e, ok, ch, asOf, e.HasGrade))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func runOne(dir *model.Directory, e Entry, ok bool, ch Check, asOf time.Time, keepGrade func(int) bool) (res Result) {
	res.ID = ch.ID
	if !ok {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: "absent du catalogue"}
	}
	if e.Disabled {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: "désactivé par le fichier de configuration des points de contrôle"}
	}
	defer func() {
		if r := recover(); r != nil {
			res = Result{ID: ch.ID, Status: NotEvaluated, Why: fmt.Sprintf("erreur interne du point de contrôle : %v", r)}
		}
	}()
	if why := missing(dir, ch.Needs); why != "" {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: why}
	}
	found, why := findTargets(dir, ch.Needs.Targets)
	if why != "" {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: why}
	}
	fails, err := ch.Run(&Context{Dir: dir, AsOf: asOf, Entry: e, Targets: found})
	var ne *errNotEvaluated
	if errors.As(err, &ne) {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: ne.why}
	}
	if err != nil {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: err.Error()}
	}
	// Keep only grades the catalogue declares for this point.
	var kept []Failure
	for _, f := range fails {
		if keepGrade(f.Grade) && len(f.Objects) > 0 {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		return Result{ID: ch.ID, Status: Passed}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Grade < kept[j].Grade })
	return Result{ID: ch.ID, Status: Failed, Failures: kept}
}

// missing explains which declared need the snapshot lacks, or "".
func missing(dir *model.Directory, n Needs) string {
	if n.SD && dir.SDCount == 0 {
		return "aucun descripteur de sécurité (nTSecurityDescriptor) dans l'instantané : collecte sans SD_FLAGS ou droits insuffisants"
	}
	for _, kind := range n.NC {
		found := false
		for _, nc := range dir.Header.NamingContexts {
			if nc.Kind == kind {
				found = true
				for _, g := range dir.Gaps {
					if (g.Scope == "naming-context" || g.Scope == "domain") && model.NormDN(g.DN) == model.NormDN(nc.DN) {
						return fmt.Sprintf("partition %s non collectée : %s", nc.DN, g.Why)
					}
				}
			}
		}
		if !found {
			return fmt.Sprintf("partition « %s » absente de l'instantané", ncLabel(kind))
		}
	}
	for _, a := range n.Attrs {
		a = strings.ToLower(a)
		for _, g := range dir.Gaps {
			if g.Scope == "attribute" && g.DN == "" && strings.EqualFold(g.Attribute, a) {
				return fmt.Sprintf("attribut %s non collecté : %s", a, g.Why)
			}
		}
		collected, known := dir.Collected(a)
		switch {
		case known && !collected:
			return fmt.Sprintf("attribut %s non collecté par %s", a, sourceLabel(dir))
		case !known && !collected:
			return fmt.Sprintf("attribut %s absent de tout l'instantané, qui ne dit pas quels attributs ont été collectés (instantané d'une version antérieure : refaire la collecte)", a)
		}
	}
	if p := n.Privileged; p != nil {
		if why := privilegedMissing(dir, p, nil); why != "" {
			return why
		}
	}
	return ""
}

// privilegedMissing explains why administrator-only data cannot be
// trusted for dom (nil: the collector's own domain), or "".
func privilegedMissing(dir *model.Directory, p *Privileged, dom *model.Domain) string {
	if p.Seen != nil && p.Seen(dir) {
		return ""
	}
	priv, known := dir.PrivilegedReader(dom)
	switch {
	case priv:
		return ""
	case !known:
		return fmt.Sprintf("%s : lisible seulement par un administrateur, et les groupes du compte de collecte sont inconnus (tokenGroups du rootDSE non collecté)", p.What)
	}
	return fmt.Sprintf("%s : lisible seulement par un administrateur du domaine, ce que n'est pas le compte de collecte", p.What)
}

// findTargets runs each target finder and explains a required target
// that is absent, or returns what was found.
func findTargets(dir *model.Directory, ts []Target) ([][]*model.Object, string) {
	out := make([][]*model.Object, len(ts))
	for i, t := range ts {
		objs := t.Find(dir)
		out[i] = objs
		if t.Optional {
			continue
		}
		if !t.PerDomain {
			if len(objs) == 0 {
				if why := absentTarget(dir, t, nil); why != "" {
					return nil, why
				}
			}
			continue
		}
		for _, dom := range dir.Domains {
			has := false
			for _, o := range objs {
				has = has || o.Domain == dom
			}
			if !has {
				if why := absentTarget(dir, t, dom); why != "" {
					return nil, why
				}
			}
		}
	}
	return out, ""
}

// absentTarget explains why the absence of t (in dom) prevents the
// evaluation, or "" when the absence is real (admin-only objects read by an
// administrator).
func absentTarget(dir *model.Directory, t Target, dom *model.Domain) string {
	where := ""
	if dom != nil {
		where = " dans le domaine " + dom.DNS
	}
	if t.AdminOnly {
		if priv, _ := dir.PrivilegedReader(dom); priv {
			return ""
		}
		return fmt.Sprintf("%s introuvables%s : absents de l'annuaire, ou invisibles pour le compte de collecte (lecture réservée aux administrateurs) ; refaire la collecte avec un compte membre des Admins du domaine", t.What, where)
	}
	return fmt.Sprintf("%s introuvables dans l'instantané%s (non collectés, ou illisibles pour le compte de collecte)", t.What, where)
}

func ncLabel(kind string) string {
	switch kind {
	case "configuration":
		return "Configuration"
	case "schema":
		return "Schéma"
	case "dns-domain":
		return "DomainDnsZones"
	case "dns-forest":
		return "ForestDnsZones"
	}
	return kind
}

func sourceLabel(dir *model.Directory) string {
	switch dir.Header.Source {
	case "oradad":
		return "l'extraction ORADAD (niveau de collecte trop bas ?)"
	case "ldap":
		return "le collecteur LDAP de cette version"
	}
	return "la source de l'instantané"
}

// needSD returns a "not evaluated" error when the descriptor of one of the
// objects could not be read.
func (c *Context) needSD(objs []*model.Object) error {
	var bad []string
	for _, o := range objs {
		if !o.SDRead {
			bad = append(bad, o.DN)
		}
	}
	if len(bad) == 0 {
		for _, g := range c.Dir.Gaps {
			if g.Scope == "security-descriptor" {
				for _, o := range objs {
					if model.NormDN(g.DN) == o.Key {
						bad = append(bad, o.DN)
					}
				}
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		more := ""
		if len(bad) > 3 {
			more = " (et " + french.Plural(len(bad)-3, "autre", "autres") + ")"
			bad = bad[:3]
		}
		return skip("descripteur de sécurité illisible pour %s%s", strings.Join(bad, " ; "), more)
	}
	return nil
}
