package dossier

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/french"
)

var (
	adSources       = []string{care.SourceADS, care.SourceVigie}
	exposureSources = []string{care.SourceSILENE, care.SourceCERTSante, care.SourceProvider, care.SourceVigie}
)

func (d *raw) audits(v *validator, f *care.Facts) {
	dirs := map[string]string{} // id → path
	for _, it := range d.Directories {
		p, r := it.path, it.val
		v.required(p+".id", r.ID)
		if first, dup := dirs[r.ID]; dup && r.ID != "" {
			v.fail(p+".id", "annuaire %q déclaré deux fois (déjà en %s)", r.ID, first)
		}
		dirs[r.ID] = p
		x := care.Directory{ID: r.ID, Name: r.Name}
		if x.Name == "" {
			x.Name = r.ID
		}
		if len(r.Entities) == 0 {
			v.fail(p+".entities", "au moins une entité utilisatrice de l'annuaire")
		}
		for j, e := range r.Entities {
			x.Entities = append(x.Entities, v.known(fmt.Sprintf("%s.entities[%d]", p, j), e))
		}
		f.Directories = append(f.Directories, x)
	}
	for _, it := range d.ADAudits {
		p, r := it.path, it.val
		x := care.ADAudit{ID: r.ID, Directory: r.Directory, Date: v.date(p+".date", r.Date, true), Source: r.Source, FailedChecks: r.FailedChecks, Report: r.Report}
		if _, ok := dirs[r.Directory]; !ok && !d.brokenDirectories {
			v.fail(p+".directory", "annuaire %q non déclaré dans « directories »", r.Directory)
		}
		switch {
		case r.Level == nil:
			v.fail(p+".level", "niveau ANSSI obligatoire (1 à 5)")
		case *r.Level < 1 || *r.Level > 5:
			v.fail(p+".level", "niveau %d hors de l'échelle ANSSI 1 à 5", *r.Level)
		default:
			x.Level = *r.Level
		}
		if !slices.Contains(adSources, r.Source) {
			v.fail(p+".source", "source %q inconnue (attendu %s)", r.Source, french.ListOr(adSources))
		}
		x.Provisional, x.ProvisionalPoints = v.provisional(p, r)
		f.ADAudits = append(f.ADAudits, x)
	}
	for _, it := range d.ExposureAudits {
		p, r := it.path, it.val
		x := care.ExposureAudit{ID: r.ID, Date: v.date(p+".date", r.Date, true), Counts: r.Counts, NoCritical: r.NoCritical, Source: r.Source, Report: r.Report}
		if r.Counts != nil && r.NoCritical != nil {
			v.fail(p+".no_critical", "à omettre quand « counts » est donné")
		}
		if len(r.Entities) == 0 {
			v.fail(p+".entities", "au moins une entité auditée")
		}
		for j, e := range r.Entities {
			x.Entities = append(x.Entities, v.known(fmt.Sprintf("%s.entities[%d]", p, j), e))
		}
		if r.CompletePerimeter == nil {
			v.fail(p+".complete_perimeter", "champ obligatoire : l'audit couvre-t-il tout le périmètre (true/false) ?")
		} else {
			x.CompletePerimeter = *r.CompletePerimeter
		}
		if c := r.Counts; c != nil && (c.Critical < 0 || c.High < 0 || c.Medium < 0 || c.Low < 0 || c.Info < 0) {
			v.fail(p+".counts", "nombre de vulnérabilités négatif")
		}
		if !slices.Contains(exposureSources, r.Source) {
			v.fail(p+".source", "source %q inconnue (attendu %s)", r.Source, strings.Join(exposureSources, ", "))
		}
		f.ExposureAudits = append(f.ExposureAudits, x)
	}
}

// pointIDRe is a control point's identifier in a level's caveat (e.g.
// vuln_permissions_dpapi, vuln1_krbtgt): no space, stored space-separated.
var pointIDRe = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// provisional reads an AD audit's level caveat: level_provisional, and the
// control points not evaluated that could lower the level (their list
// implies the flag; with level_provisional false it is a contradiction).
func (v *validator) provisional(p string, r rawADAudit) (bool, []string) {
	if r.Provisional != nil && !*r.Provisional && len(r.ProvisionalPoints) > 0 {
		v.fail(p+".level_provisional_points", "%s alors que « level_provisional » vaut false : un niveau avec des points non évalués est provisoire",
			french.Plural(len(r.ProvisionalPoints), "point non évalué donné", "points non évalués donnés"))
		return false, nil
	}
	seen := map[string]bool{}
	for j, id := range r.ProvisionalPoints {
		q := fmt.Sprintf("%s.level_provisional_points[%d]", p, j)
		switch {
		case !pointIDRe.MatchString(id):
			v.fail(q, "identifiant de point de contrôle %q invalide (lettres, chiffres et _ seulement, ex. vuln_permissions_dpapi)", id)
		case seen[id]:
			v.fail(q, "point %q en double", id)
		}
		seen[id] = true
	}
	var points []string
	if len(r.ProvisionalPoints) > 0 {
		points = r.ProvisionalPoints
	}
	return (r.Provisional != nil && *r.Provisional) || len(points) > 0, points
}
