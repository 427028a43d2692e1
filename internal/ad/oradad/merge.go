package oradad

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"vigie/internal/ad/snapshot"
)

// merger gathers the rows of every table into one object per DN.
type merger struct {
	forest string
	server string
	objs   map[string]*snapshot.Object // by lower-case DN
	order  []*snapshot.Object
	gaps   []snapshot.Gap
	ncs    []snapshot.NamingContext
	seenNC map[string]bool
	attrs  map[string]bool  // every attribute column of the extraction
	joined map[string]bool  // text attributes kept whole, to split by the schema
	sysvol *snapshot.Sysvol // the SYSVOL listing (sysvol.go), nil without one
}

func newMerger(forest string) *merger {
	return &merger{forest: forest, objs: map[string]*snapshot.Object{}, seenNC: map[string]bool{}, attrs: map[string]bool{}, joined: map[string]bool{}}
}

func (m *merger) contexts() []snapshot.NamingContext { return m.ncs }

// attributes lists the attributes the extraction holds a column for — what
// ORADAD asked the DC for, so what a control point may rely on.
func (m *merger) attributes() []string {
	out := make([]string, 0, len(m.attrs))
	for a := range m.attrs {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// splitJoined splits the ';'-joined values ORADAD wrote for the text
// attributes the extraction's own schema (its "attribute" table) declares
// multi-valued, beyond the fixed list of multiValued. description is kept
// whole: its values are prose that may hold a ';'.
func (m *merger) splitJoined() {
	if len(m.joined) == 0 {
		return
	}
	multi := map[string]bool{}
	for _, o := range m.order {
		if o.IsClass("attributeSchema") && strings.EqualFold(o.Get("issinglevalued"), "FALSE") {
			multi[strings.ToLower(o.Get("ldapdisplayname"))] = true
		}
	}
	for a := range m.joined {
		if !multi[a] || a == "description" {
			continue
		}
		for _, o := range m.order {
			vs := o.All(a)
			if len(vs) == 0 {
				continue
			}
			var out []string
			for _, v := range vs {
				for _, p := range strings.Split(v, ";") {
					if p != "" {
						out = append(out, p)
					}
				}
			}
			o.SetText(a, out...)
		}
	}
}

// live returns the objects in order, without the deleted and recycled
// objects ORADAD's "top" request also returns (it sends the show-deleted
// and show-recycled controls): the LDAP collector does not see them and
// no control point is about them.
func (m *merger) live() []*snapshot.Object {
	out := make([]*snapshot.Object, 0, len(m.order))
	for _, o := range m.order {
		if strings.EqualFold(o.Get("isdeleted"), "TRUE") || strings.EqualFold(o.Get("isrecycled"), "TRUE") {
			continue
		}
		out = append(out, o)
	}
	return out
}

// dnsToDN turns lab.test into DC=lab,DC=test.
func dnsToDN(dns string) string {
	if dns == "" {
		return ""
	}
	return "DC=" + strings.ReplaceAll(dns, ".", ",DC=")
}

// noteContext records the naming context a table path belongs to:
// domain/<dns>/…, configuration/…, schema/…, domaindns/<dns>/…, forestdns/….
func (m *merger) noteContext(path string) string {
	parts := strings.Split(strings.Trim(slashPath(path), "/"), "/")
	forestDN := dnsToDN(m.forest)
	var nc snapshot.NamingContext
	switch strings.ToLower(parts[0]) {
	case "domain":
		if len(parts) > 2 {
			nc = snapshot.NamingContext{DN: dnsToDN(strings.ToLower(parts[1])), Kind: "domain", Domain: strings.ToLower(parts[1])}
		}
	case "domaindns":
		if len(parts) > 2 {
			nc = snapshot.NamingContext{DN: "DC=DomainDnsZones," + dnsToDN(strings.ToLower(parts[1])), Kind: "dns-domain", Domain: strings.ToLower(parts[1])}
		}
	case "configuration":
		nc = snapshot.NamingContext{DN: "CN=Configuration," + forestDN, Kind: "configuration"}
	case "schema":
		nc = snapshot.NamingContext{DN: "CN=Schema,CN=Configuration," + forestDN, Kind: "schema"}
	case "forestdns":
		nc = snapshot.NamingContext{DN: "DC=ForestDnsZones," + forestDN, Kind: "dns-forest"}
	}
	if nc.DN == "" {
		return ""
	}
	if k := strings.ToLower(nc.DN); !m.seenNC[k] {
		m.seenNC[k] = true
		m.ncs = append(m.ncs, nc)
	}
	return nc.DN
}

// colPlan says how to read each column of a table.
type colPlan struct {
	attr    string // attribute name; "" = skip the column
	sqlType string
}

// planColumns maps columns to attributes: the first column is the DN (or
// the server name of the root DSE), "shortname"/"shortdn" are ORADAD's own,
// and a filtered column X followed by X_int is read from X_int.
func planColumns(cols []column) []colPlan {
	has := map[string]bool{}
	for _, c := range cols {
		has[strings.ToLower(c.Name)] = true
	}
	out := make([]colPlan, len(cols))
	for i, c := range cols {
		low := strings.ToLower(c.Name)
		switch {
		case i == 0, low == "shortname", low == "shortdn":
		case has[low+"_int"]:
		case strings.HasSuffix(low, "_int") && has[strings.TrimSuffix(low, "_int")]:
			out[i] = colPlan{attr: c.Name[:len(c.Name)-4], sqlType: c.SQLType}
		default:
			out[i] = colPlan{attr: c.Name, sqlType: c.SQLType}
		}
	}
	return out
}

// readTable streams one data file into the merger.
func (m *merger) readTable(ctx context.Context, base string, t table) error {
	p := filepath.Join(base, filepath.FromSlash(slashPath(t.Path)))
	if !fileExists(p) && fileExists(p+".tsv") {
		p += ".tsv"
	}
	ncDN := m.noteContext(t.Path)
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			m.gaps = append(m.gaps, snapshot.Gap{DN: ncDN, Scope: "naming-context", Why: "table ORADAD « " + t.Name + " » absente de l'extraction"})
			return nil
		}
		return inputf("ouvrir %s : %w", p, err)
	}
	defer f.Close()
	rootDSE := strings.EqualFold(t.Columns[0].Name, "server")
	plan := planColumns(t.Columns)
	for _, cp := range plan {
		if cp.attr != "" {
			m.attrs[strings.ToLower(cp.attr)] = true
		}
	}
	rr := newRowReader(f, p)
	for n := 0; ; n++ {
		if n%1000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row, err := rr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &InputError{Err: err}
		}
		if len(row) != len(t.Columns) {
			return &InputError{Err: rr.errf("%d colonnes au lieu des %d déclarées dans tables.tsv pour « %s »", len(row), len(t.Columns), t.Name)}
		}
		dn := row[0]
		if dn == "" {
			return &InputError{Err: rr.errf("première colonne (%s) vide", t.Columns[0].Name)}
		}
		if rootDSE {
			if m.server != "" && !strings.EqualFold(m.server, dn) {
				continue // root DSE of another domain's DC: the forest root's is kept
			}
			m.server = dn
			dn = snapshot.RootDSEDN
		}
		o := m.object(dn)
		for i, cp := range plan {
			if cp.attr == "" {
				continue
			}
			if err := m.addValue(o, cp, row[i]); err != nil {
				var sddl sddlError
				if errors.As(err, &sddl) {
					m.gaps = append(m.gaps, snapshot.Gap{DN: o.DN, Attribute: cp.attr, Scope: "attribute", Why: err.Error()})
					continue
				}
				return &InputError{Err: rr.errf("colonne %s : %v", cp.attr, err)}
			}
		}
	}
}

func (m *merger) object(dn string) *snapshot.Object {
	k := strings.ToLower(dn)
	if o, ok := m.objs[k]; ok {
		return o
	}
	o := &snapshot.Object{DN: dn}
	m.objs[k] = o
	m.order = append(m.order, o)
	return o
}

// sddlError marks a DACL given as SDDL text: kept as a gap, not fatal.
type sddlError struct{ msg string }

func (e sddlError) Error() string { return e.msg }

// addValue converts one field and adds it unless the object already has
// the attribute from another table.
func (m *merger) addValue(o *snapshot.Object, cp colPlan, v string) error {
	low := strings.ToLower(cp.attr)
	if v == "" {
		if !emptyMeansZero[low] || o.Has(low) {
			return nil
		}
		v = "0"
		if cp.sqlType == "datetime2" || cp.sqlType == "datetime" {
			o.Add(cp.attr, []byte("0"))
			return nil
		}
	}
	if o.Has(low) {
		return nil
	}
	if !snapshot.IsBinary(low) && strings.HasPrefix(cp.sqlType, "varchar") && !isSDDL(v) {
		// A SID, SD or BIN column of an attribute the snapshot keeps as
		// text (DN-binary such as msDS-RevealedUsers or
		// msDS-KeyCredentialLink): ORADAD wrote the raw LDAP value in
		// hex, which is decoded back to the LDAP string. A SID string
		// stays as it is: text values cannot hold raw bytes.
		for _, part := range strings.Split(v, ";") {
			if part == "" {
				continue
			}
			if strings.HasPrefix(part, "S-1-") || strings.HasPrefix(part, "s-1-") {
				o.Add(cp.attr, []byte(part))
				continue
			}
			b, err := binaryValue(part, cp.sqlType)
			if err != nil {
				return err
			}
			o.Add(cp.attr, b)
		}
		return nil
	}
	if snapshot.IsBinary(low) {
		var vals [][]byte
		for _, part := range strings.Split(v, ";") {
			if part == "" {
				continue
			}
			b, err := binaryValue(part, cp.sqlType)
			if err != nil {
				if strings.Contains(err.Error(), "SDDL") {
					return sddlError{msg: err.Error()}
				}
				return err
			}
			vals = append(vals, b)
		}
		o.Add(cp.attr, vals...)
		return nil
	}
	var parts []string
	if !multiValued[low] && strings.HasPrefix(cp.sqlType, "nvarchar") && strings.Contains(v, ";") {
		m.joined[low] = true // split at the end if the schema says multi-valued
	}
	if multiValued[low] {
		for _, p := range strings.Split(v, ";") {
			if p != "" {
				parts = append(parts, p)
			}
		}
	} else {
		parts = []string{v}
	}
	for _, p := range parts {
		s, err := textValue(low, cp.sqlType, p)
		if err != nil {
			return err
		}
		o.Add(cp.attr, []byte(s))
	}
	return nil
}

// textValue converts a text field to its LDAP form.
func textValue(low, sqlType, v string) (string, error) {
	switch sqlType {
	case "datetime2", "datetime", "date":
		if generalizedTime[low] {
			return dateToGeneralized(v)
		}
		return dateToFiletime(v)
	case "tinyint", "bit":
		switch v {
		case "1":
			return "TRUE", nil
		case "0":
			return "FALSE", nil
		}
	}
	return v, nil
}

// isSDDL reports whether a varchar field is ORADAD's SDDL form of a DACL
// (its ACEs hold ';', which must not split it).
func isSDDL(v string) bool {
	return strings.HasPrefix(v, "D:") || strings.HasPrefix(v, "O:") || strings.HasPrefix(v, "G:")
}
