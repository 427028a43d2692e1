// Package checks implements the 76 ANSSI Active Directory control points
// ("vuln_*"). Each control point is a small unit keyed by its public ID that
// declares the data it needs and returns the grades it fails with the
// offending objects. Titles, remediations, grades and thresholds are data
// (catalog.json, embedded, overridable by a user file).
package checks

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"vigie/internal/ad/model"
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
// from the snapshot the point is reported not evaluated.
type Needs struct {
	// SD: security descriptors must have been collected.
	SD bool
	// NC: naming-context kinds ("configuration", "schema", "dns-domain", …).
	NC []string
	// Attrs: attributes that must appear in the snapshot at least once
	// (otherwise they were not collected, or the server never sets them).
	Attrs []string
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
		out = append(out, runOne(dir, cat, ch, asOf))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func runOne(dir *model.Directory, cat *Catalog, ch Check, asOf time.Time) (res Result) {
	res.ID = ch.ID
	e, ok := cat.Entries[ch.ID]
	if !ok {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: "absent du catalogue"}
	}
	if e.Disabled {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: "désactivé par le fichier de configuration des points de contrôle"}
	}
	if why := missing(dir, ch.Needs); why != "" {
		return Result{ID: ch.ID, Status: NotEvaluated, Why: why}
	}
	defer func() {
		if r := recover(); r != nil {
			res = Result{ID: ch.ID, Status: NotEvaluated, Why: fmt.Sprintf("erreur interne du point de contrôle : %v", r)}
		}
	}()
	fails, err := ch.Run(&Context{Dir: dir, AsOf: asOf, Entry: e})
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
		if e.HasGrade(f.Grade) && len(f.Objects) > 0 {
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
					if g.Scope == "naming-context" && model.NormDN(g.DN) == model.NormDN(nc.DN) {
						return fmt.Sprintf("partition %s non collectée : %s", nc.DN, g.Why)
					}
				}
			}
		}
		if !found {
			return fmt.Sprintf("partition « %s » absente de l'instantané", kind)
		}
	}
	for _, a := range n.Attrs {
		a = strings.ToLower(a)
		for _, g := range dir.Gaps {
			if g.Scope == "attribute" && g.DN == "" && strings.EqualFold(g.Attribute, a) {
				return fmt.Sprintf("attribut %s non collecté : %s", a, g.Why)
			}
		}
		if !dir.AttrSeen(a) {
			return fmt.Sprintf("attribut %s absent de tout l'instantané (non collecté, ou jamais renseigné par ce serveur)", a)
		}
	}
	return ""
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
			more = fmt.Sprintf(" (et %d autres)", len(bad)-3)
			bad = bad[:3]
		}
		return skip("descripteur de sécurité illisible pour %s%s", strings.Join(bad, " ; "), more)
	}
	return nil
}
