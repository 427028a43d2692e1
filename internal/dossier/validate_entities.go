package dossier

import (
	"slices"
	"strings"

	"vigie/internal/care"
	"vigie/internal/french"
	"vigie/internal/org"
)

// declaredCategories are the values "category" may take.
var declaredCategories = []org.Category{org.Public, org.NonProfit, org.ForProfit, org.OtherPriv}

// entityPaths remembers where each entity's category came from.
type entityPaths struct {
	index    int
	path     string // entities[i]
	catFrom  string // the JSON path the category comes from ("" if unknown)
	catValue string // its value as written
}

func (d *raw) entities(v *validator, f *care.Facts) {
	v.entities = map[org.FINESS]*org.Entity{}
	paths := map[org.FINESS]entityPaths{}
	for _, it := range d.Entities {
		p, e := it.path, it.val
		x := org.Entity{Name: e.Name, LegalStatus: e.LegalStatus, Region: e.Region}
		fin, ok := v.finess(p+".finess", e.FINESS)
		x.FINESS = fin
		if _, dup := v.entities[fin]; dup && ok {
			v.fail(p+".finess", "entité %s déclarée deux fois (déjà en %s)", fin, paths[fin].path)
			continue
		}
		switch strings.ToUpper(e.Kind) {
		case "EJ":
			x.Kind = org.EJ
		case "EG":
			x.Kind = org.EG
		default:
			v.fail(p+".kind", "valeur %q invalide (attendu \"EJ\" ou \"EG\")", e.Kind)
		}
		ep := entityPaths{path: p}
		cat, err := org.CategoryOf(e.LegalStatus)
		if err != nil {
			v.fail(p+".legal_status", "%s", err.Error())
		}
		if cat != org.Unknown {
			ep.catFrom, ep.catValue = p+".legal_status", e.LegalStatus
		}
		if e.Category != "" {
			declared := org.Category(e.Category)
			switch {
			case !slices.Contains(declaredCategories, declared):
				v.fail(p+".category", "catégorie %q inconnue (attendu public, prive_non_lucratif, prive_lucratif ou autre)", e.Category)
			case cat != org.Unknown && declared != cat:
				v.fail(p+".category", "catégorie %q contredite par %s.legal_status (statut juridique %q : %s)", e.Category, p, e.LegalStatus, cat.French())
			case cat == org.Unknown:
				cat = declared
				ep.catFrom, ep.catValue = p+".category", e.Category
			}
		}
		x.Category = cat
		f.Entities = append(f.Entities, x)
		if ok {
			ep.index = len(f.Entities) - 1
			paths[fin] = ep
		}
	}
	for i := range f.Entities {
		x := &f.Entities[i]
		if x.FINESS != "" {
			if _, ok := paths[x.FINESS]; ok && v.entities[x.FINESS] == nil {
				v.entities[x.FINESS] = x
			}
		}
	}
	for _, it := range d.Entities {
		fin, err := org.ParseFINESS(it.val.FINESS)
		ep, ok := paths[fin]
		if err != nil || !ok || ep.path != it.path {
			continue
		}
		x := &f.Entities[ep.index]
		p := it.path + ".parent"
		switch {
		case x.Kind == org.EG && it.val.Parent == "":
			v.fail(p, "une EG doit indiquer son EJ de rattachement")
		case x.Kind == org.EJ && it.val.Parent != "":
			v.fail(p, "une EJ n'a pas de parent")
		case x.Kind == org.EG:
			x.Parent = v.known(p, it.val.Parent)
			parent := v.entities[x.Parent]
			if parent == nil {
				continue
			}
			if parent.Kind != org.EJ {
				v.fail(p, "le parent %s n'est pas une EJ", x.Parent)
				continue
			}
			pp := paths[x.Parent]
			if x.Category != org.Unknown && parent.Category != org.Unknown && x.Category != parent.Category {
				v.fail(ep.catFrom, "catégorie %q de l'EG contredite par %s (%q, catégorie %s de son EJ)", ep.catValue, pp.catFrom, pp.catValue, parent.Category.French())
			}
			if x.Category == org.Unknown {
				x.Category = parent.Category
			}
		}
	}
}

func (d *raw) ght(v *validator, f *care.Facts) {
	if d.GHT == nil {
		return
	}
	g := &org.GHT{Code: d.GHT.Code, Name: d.GHT.Name, Region: d.GHT.Region}
	v.required("ght.code", g.Code)
	if d.GHT.Support == "" {
		v.fail("ght.support", "établissement support obligatoire : FINESS de l'EJ qui porte la candidature du GHT")
	} else {
		g.Support = v.known("ght.support", d.GHT.Support)
		if x := v.entities[g.Support]; x != nil && x.Kind != org.EJ {
			v.fail("ght.support", "l'établissement support doit être une EJ (%s est une EG)", g.Support)
		}
	}
	f.GHT = g
}

// shape checks who applies: at least one EJ; outside a GHT, one EJ only.
func (d *raw) shape(v *validator, f *care.Facts) {
	if d.brokenEntities {
		return
	}
	var ejs []string
	for _, e := range f.Entities {
		if e.Kind == org.EJ {
			ejs = append(ejs, string(e.FINESS))
		}
	}
	switch {
	case len(ejs) == 0:
		v.fail("entities", "aucune entité juridique (EJ) : le dossier doit déclarer l'EJ qui porte la candidature (et, pour un GHT, chacune de ses EJ)")
	case f.GHT == nil && len(ejs) > 1:
		v.fail("entities", "%s hors GHT dans un même dossier (%s) : hors GHT, une EJ porte seule ses EG ; déclarez le GHT (« ght ») ou faites un dossier par EJ",
			french.Plural(len(ejs), "EJ", "EJ"), french.List(ejs))
	}
}
