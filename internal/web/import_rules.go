package web

import (
	"cmp"
	"fmt"
	"reflect"
	"strings"

	"vigie/internal/care"
	"vigie/internal/org"
	"vigie/internal/store"
)

// importRefusal lists the values of a dossier file the importer's role may
// not record by hand, each with its JSON path: the import is refused.
type importRefusal struct{ Items []refusedValue }

// refusedValue is one refused value: its JSON path and the French reason.
type refusedValue struct{ Path, Why string }

func (e *importRefusal) Error() string {
	parts := make([]string, len(e.Items))
	for i, it := range e.Items {
		parts[i] = it.Path + " : " + it.Why
	}
	return "votre rôle ne permet pas d'enregistrer ces valeurs : " + strings.Join(parts, " ; ")
}

// maxRefusalItems bounds the paths named in one refusal.
const maxRefusalItems = 20

// importCheck returns the store check that compares the file with what is
// stored and refuses every new or changed value the rights do not cover.
// Unchanged values pass: re-importing an exported dossier that holds the
// ARS's steps stays possible for the GHT referent.
// titles names the steps in French (the wave's catalogue).
func importCheck(r rights, f *care.Facts, titles map[string]string) store.ImportCheck {
	return func(prior store.ImportPrior) error {
		var items []refusedValue
		refuse := func(path, why string) {
			if len(items) < maxRefusalItems {
				items = append(items, refusedValue{path, why})
			}
		}
		old := prior.Facts
		if old == nil {
			old = &care.Facts{}
		}
		checkGHT(r, f, prior, refuse)
		checkEntities(r, f, prior, refuse)
		checkDirectories(r, f, old, refuse)
		checkLifecycle(r, f, old, titles, refuse)
		if f.Governance != nil && !reflect.DeepEqual(f.Governance, old.Governance) && !r.governance() {
			refuse("governance", "la gouvernance des annuaires se déclare par le référent du GHT")
		}
		if len(items) > 0 {
			return &importRefusal{Items: items}
		}
		return nil
	}
}

const (
	whyAdmin    = "réservé à un administrateur"
	whyEntities = "réservé à un administrateur ou au référent du GHT"
)

func checkGHT(r rights, f *care.Facts, prior store.ImportPrior, refuse func(string, string)) {
	if f.GHT == nil || r.ghtIdentity() {
		return
	}
	g := prior.GHT
	if g == nil {
		refuse("ght", "création du GHT "+f.GHT.Code+" "+whyAdmin)
		return
	}
	if f.GHT.Name != g.Name {
		refuse("ght.name", "nom du GHT "+whyAdmin)
	}
	if f.GHT.Support != g.Support {
		refuse("ght.support", "établissement support du GHT "+whyAdmin)
	}
	if f.GHT.Region != g.Region {
		refuse("ght.region", "région du GHT "+whyAdmin)
	}
}

func checkEntities(r rights, f *care.Facts, prior store.ImportPrior, refuse func(string, string)) {
	home := ""
	if prior.GHT != nil {
		home = prior.GHT.Region
	}
	for i, e := range f.Entities {
		p := fmt.Sprintf("entities[%d]", i)
		old, known := prior.Entities[e.FINESS]
		if !known {
			if !r.entities() {
				refuse(p, fmt.Sprintf("ajout de l'établissement %s %s", e.FINESS, whyEntities))
			}
			if e.Region != "" && e.Region != home && !r.region() {
				refuse(p+".region", "région "+whyAdmin)
			}
			continue
		}
		if !r.entities() {
			for _, c := range []struct{ path, a, b, what string }{
				{".name", old.Name, e.Name, "nom"}, {".kind", string(old.Kind), string(e.Kind), "type"},
				{".parent", string(old.Parent), string(e.Parent), "EJ de rattachement"},
				{".legal_status", old.LegalStatus, e.LegalStatus, "statut juridique"},
				{".category", string(old.Category), string(e.Category), "catégorie"},
			} {
				if c.a != c.b {
					refuse(p+c.path, fmt.Sprintf("%s de l'établissement %s %s", c.what, e.FINESS, whyEntities))
				}
			}
		}
		if old.Region != e.Region && !r.region() {
			refuse(p+".region", fmt.Sprintf("région de l'établissement %s %s", e.FINESS, whyAdmin))
		}
	}
}

func checkDirectories(r rights, f *care.Facts, old *care.Facts, refuse func(string, string)) {
	if r.directories() {
		return
	}
	known := map[string]care.Directory{}
	for _, d := range old.Directories {
		known[d.ID] = d
	}
	for i, d := range f.Directories {
		o, ok := known[d.ID]
		switch {
		case !ok:
			refuse(fmt.Sprintf("directories[%d]", i), "ajout de l'annuaire "+d.ID+" "+whyEntities)
		case o.Name != d.Name:
			refuse(fmt.Sprintf("directories[%d].name", i), "nom de l'annuaire "+d.ID+" "+whyEntities)
		case !sameFINESS(o.Entities, d.Entities):
			refuse(fmt.Sprintf("directories[%d].entities", i), "établissements de l'annuaire "+d.ID+" "+whyEntities)
		}
	}
}

func sameFINESS(a, b []org.FINESS) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[org.FINESS]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

func checkLifecycle(r rights, f *care.Facts, old *care.Facts, titles map[string]string, refuse func(string, string)) {
	steps := map[string]care.Step{}
	for _, s := range old.Dossier.Steps {
		steps[s.Step+"@"+s.Date.String()] = s
	}
	for i, s := range f.Dossier.Steps {
		if o, ok := steps[s.Step+"@"+s.Date.String()]; ok && o == s {
			continue
		}
		if !r.step(s.Step) {
			refuse(fmt.Sprintf("dossier.steps[%d]", i), fmt.Sprintf("votre rôle ne permet pas d'enregistrer l'étape « %s »", cmp.Or(titles[s.Step], s.Step)))
		}
	}
	pays := map[string]care.Payment{}
	for _, p := range old.Dossier.Payments {
		pays[paymentKey(p)] = p
	}
	for i, p := range f.Dossier.Payments {
		if o, ok := pays[paymentKey(p)]; ok && o.By == p.By {
			continue
		}
		if !r.payment() {
			refuse(fmt.Sprintf("dossier.payments[%d]", i), "paiement "+whyAdmin+" (ANS)")
		}
	}
	if f.Dossier.CeilingEUR != old.Dossier.CeilingEUR && !r.ceiling() {
		refuse("dossier.ceiling_eur", "plafond de financement "+whyAdmin)
	}
}

func paymentKey(p care.Payment) string {
	return fmt.Sprintf("%s|%v|%s", p.Date, p.AmountEUR, p.Objective)
}
