package web

import "vigie/internal/store"

// rights is what a user may record by hand in a dossier view: the one rule
// the forms and the dossier import both obey (import_rules.go), so that a
// file never records what the importer's role could not type.
type rights struct {
	p *Principal
	v *view
}

// rightsOf returns the rights of p in the view v.
func rightsOf(p *Principal, v *view) rights { return rights{p: p, v: v} }

// step: a dossier step (steps.go: the ARS its validations and
// instructions, the GHT referent and the establishment their candidature
// and declaration, the administrator every step).
func (r rights) step(id string) bool { return mayRecord(r.p, r.v, id) }

// payment: a payment goes with the "paid" step, the administrator's (ANS).
func (r rights) payment() bool { return r.step("paid") }

// ceiling: the funding ceiling has no form; only an administrator sets it.
func (r rights) ceiling() bool { return r.p.Role == RoleAdmin }

// entities: add or correct the EJ/EG of a dossier, their names included
// (records_entity.go): administrator or GHT referent, whole view.
func (r rights) entities() bool {
	return !r.v.Partial() && (r.p.Role == RoleAdmin || r.p.Role == RoleGHT)
}

// directories: add or correct the AD directories of a dossier
// (records_directory.go): the same as entities.
func (r rights) directories() bool { return r.entities() }

// controllers: declare the domain controllers an AD audit of a directory
// may reach: an administrator or the GHT referent (whole view).
func (r rights) controllers() bool { return r.directories() }

// region: no form lets anyone type a region (a new entity takes its
// dossier's); only an administrator changes one.
func (r rights) region() bool { return r.p.Role == RoleAdmin }

// ghtIdentity: a GHT's code, name, support establishment and region have
// no form; only an administrator creates or changes them.
func (r rights) ghtIdentity() bool { return r.p.Role == RoleAdmin }

// governance: the D1.O6 form (governance.go): write role, whole view.
func (r rights) governance() bool { return r.p.CanWrite() && !r.v.Partial() }

// perimeterRecord: the establishment (and its GHT referent, an
// administrator) records its perimeter: any write role that sees the entity.
func (r rights) perimeterRecord() bool { return r.p.CanWrite() }

// perimeterApprove: the GHT referent, the ARS or an administrator who
// sees the entity approves it — never the account that recorded the version.
func (r rights) perimeterApprove(cur *store.ExposurePerimeter) bool {
	switch r.p.Role {
	case RoleAdmin, RoleGHT, RoleARS:
		return cur != nil && !cur.Approved() && cur.RecordedBy != r.p.Login
	}
	return false
}

// schedules: plan the audits of an entity or directory the user sees:
// the roles that own it, i.e. the write roles (the establishment, its GHT
// referent, an administrator); the ARS and auditors read the calendar.
func (r rights) schedules() bool { return r.p.CanWrite() }
