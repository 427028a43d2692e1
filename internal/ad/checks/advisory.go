package checks

import (
	"sort"
	"time"

	"vigie/internal/ad/model"
)

// ANSSI's warnings (warning_*) and informations (info_*) are checks like
// the control points, with their own registry and catalogue: a "failed"
// result means the warning is raised (the information has something to
// show), with the objects concerned. They never enter the level: the
// level is computed from Run's results only.

// Advisories returns every registered warning and information.
func Advisories() []Check {
	var out []Check
	for _, fam := range advisoryFamilies {
		out = append(out, fam()...)
	}
	return out
}

// advisoryFamilies lists the constructors of each family of advisories.
var advisoryFamilies = []func() []Check{
	accountWarnings,
	privilegedWarnings,
	sdWarnings,
	configWarnings,
	informations,
}

// RunAdvisories evaluates every registered warning and information. A
// failure's grade is the indicative grade of that instance when the
// advisory distinguishes several (0 otherwise).
func RunAdvisories(dir *model.Directory, cat *Catalog, asOf time.Time) []Result {
	var out []Result
	for _, ch := range Advisories() {
		e, ok := cat.Advisories[ch.ID]
		out = append(out, runOne(dir, e, ok, ch, asOf, func(int) bool { return true }))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// unavailable is the Run of an advisory whose data Vigie never has: it is
// always "not evaluated", with the reason.
func unavailable(why string) func(c *Context) ([]Failure, error) {
	return func(c *Context) ([]Failure, error) { return nil, skip("%s", why) }
}

// raise returns one raised advisory (grade 0: no instance grade) when
// objs is not empty.
func raise(detail string, objs []ObjectRef) []Failure { return failIf(0, detail, objs) }
