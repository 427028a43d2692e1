package org

// Kind distinguishes legal entities from geographic sites.
type Kind string

// Entity kinds.
const (
	EJ Kind = "EJ" // entité juridique: the legal person
	EG Kind = "EG" // entité géographique: the site
)

// Entity is an EJ or an EG.
type Entity struct {
	FINESS FINESS `json:"finess"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	// Parent is the EJ of an EG; empty for an EJ.
	Parent FINESS `json:"parent,omitempty"`
	// LegalStatus is the FINESS "statut juridique" code of an EJ.
	LegalStatus string `json:"legal_status,omitempty"`
	// Category is derived from the legal status (of the EJ, for an EG).
	Category Category `json:"category,omitempty"`
	// Region is the administrative region (ARS) when known.
	Region string `json:"region,omitempty"`
}

// GHT is a territorial hospital group, identified by its DGOS code (e.g. "ARA-01").
type GHT struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Support FINESS `json:"support"` // the support establishment's EJ
	Region  string `json:"region,omitempty"`
}

// Tree indexes a set of entities.
type Tree struct {
	byFINESS map[FINESS]*Entity
	children map[FINESS][]FINESS
	order    []FINESS
}

// NewTree indexes entities; an EG inherits its EJ's category when it has none.
func NewTree(es []Entity) *Tree {
	t := &Tree{byFINESS: map[FINESS]*Entity{}, children: map[FINESS][]FINESS{}}
	for i := range es {
		e := es[i]
		t.byFINESS[e.FINESS] = &e
		t.order = append(t.order, e.FINESS)
	}
	for _, f := range t.order {
		e := t.byFINESS[f]
		if e.Kind == EG && e.Parent != "" {
			t.children[e.Parent] = append(t.children[e.Parent], f)
			if p := t.byFINESS[e.Parent]; p != nil && e.Category == Unknown {
				e.Category = p.Category
			}
		}
	}
	return t
}

// Get returns the entity with that number, or nil.
func (t *Tree) Get(f FINESS) *Entity { return t.byFINESS[f] }

// LegalEntities returns the EJ in input order.
func (t *Tree) LegalEntities() []*Entity {
	var out []*Entity
	for _, f := range t.order {
		if e := t.byFINESS[f]; e.Kind == EJ {
			out = append(out, e)
		}
	}
	return out
}

// Sites returns the EG of an EJ in input order.
func (t *Tree) Sites(ej FINESS) []*Entity {
	var out []*Entity
	for _, f := range t.children[ej] {
		out = append(out, t.byFINESS[f])
	}
	return out
}

// PMSIEntities returns the establishments "in the FINESS PMSI sense" under an
// EJ: the EJ itself for a public one, each of its EG for a private one. An EJ
// whose category is unknown is returned as itself with ok=false.
func (t *Tree) PMSIEntities(ej *Entity) (out []*Entity, ok bool) {
	switch {
	case ej.Category == Unknown:
		return []*Entity{ej}, false
	case ej.Category == Public:
		return []*Entity{ej}, true
	}
	sites := t.Sites(ej.FINESS)
	if len(sites) == 0 {
		return []*Entity{ej}, false
	}
	return sites, true
}
