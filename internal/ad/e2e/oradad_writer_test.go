package e2e

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/secdesc"
)

// oradadTables is what ORADAD collects at its default level (4, with
// confidential attributes off), generated from ORADAD's oradad-schema.xml
// by testdata/gen_oradad_tables.py.
//
//go:embed testdata/oradad_tables.json
var oradadTablesJSON []byte

// oradadRequest is one ORADAD request: a table.
type oradadRequest struct {
	Name     string   `json:"name"`
	Base     []string `json:"base"`
	Scope    string   `json:"scope"`
	Filter   string   `json:"filter"`
	Controls []string `json:"controls"`
	Columns  [][]any  `json:"columns"` // name, type, filter, limit
}

type oradadColumn struct {
	name, typ, filter string
	limit             int
}

func (r oradadRequest) columns() []oradadColumn {
	out := make([]oradadColumn, 0, len(r.Columns))
	for _, c := range r.Columns {
		out = append(out, oradadColumn{name: c[0].(string), typ: c[1].(string), filter: c[2].(string), limit: int(c[3].(float64))})
	}
	return out
}

func oradadRequests(t *testing.T) []oradadRequest {
	t.Helper()
	var doc struct {
		Tables []oradadRequest `json:"tables"`
	}
	if err := json.Unmarshal(oradadTablesJSON, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Tables
}

// oradadWriter produces, from a live DC, the clear extraction ORADAD
// writes (config-oradad.xml with <outputFiles>1</outputFiles>): the same
// requests (bases, filters, controls, attributes), the same value forms
// (LDAP.cpp: first value only for STR, ';'-joined STRS/SID/BIN, lowercase
// hex, SID strings, UuidToString GUIDs, "YYYY-MM-DD HH:MM:SS" dates, 1/0
// booleans, filtered integers as text + _int column, SDDL DACLs), UTF-16LE
// data files with BOM and CRLF, tables.tsv in 8-bit text.
type oradadWriter struct {
	t       *testing.T
	c       *ldap.Conn
	dir     string // <out>/<forest>/<YYYYMMDD-HHMMSS>
	rootDNS string
	index   bytes.Buffer
	ncs     []string // every naming context, to keep subtree searches inside theirs
	// asked holds, per lower-case DN, the attributes some request asked
	// for that object (the tables whose filter it matched).
	asked map[string]map[string]bool
}

// writeORADAD writes the extraction of the DC c is bound to under out and
// returns the directory holding tables.tsv, and per object (lower-case DN)
// the attributes ORADAD asked for it.
func writeORADAD(t *testing.T, c *ldap.Conn, out string) (string, map[string]map[string]bool) {
	t.Helper()
	root := searchOne(t, c, "", ldap.ScopeBaseObject, "(objectClass=*)", []string{"*", "+"}, nil)
	if root == nil {
		t.Fatal("root DSE unreadable")
	}
	rootDN := root.GetAttributeValue("rootDomainNamingContext")
	w := &oradadWriter{t: t, c: c, rootDNS: dnToDNS(rootDN), ncs: root.GetAttributeValues("namingContexts"),
		asked: map[string]map[string]bool{}}
	stamp := time.Now().UTC().Format("20060102-150405")
	w.dir = filepath.Join(out, w.rootDNS, stamp)
	fmt.Fprintf(&w.index, "%s_%s\n", w.rootDNS, stamp)
	w.index.WriteString("metadata.tsv\tmetadata\tmetadata\t2\tkey\tnvarchar(255)\tvalue\tnvarchar(1024)\n")

	domainDN := root.GetAttributeValue("defaultNamingContext")
	domainDNS := dnToDNS(domainDN)
	bases := map[string]string{
		"configuration": root.GetAttributeValue("configurationNamingContext"),
		"schema":        root.GetAttributeValue("schemaNamingContext"),
		"forestDNS":     "DC=ForestDnsZones," + rootDN,
		"domain":        domainDN,
		"domainDNS":     "DC=DomainDnsZones," + domainDN,
	}
	reqs := oradadRequests(t)
	// Engine.cpp: the forest-wide partitions for every request first, then
	// per domain the root DSE, the domain and its DNS partition.
	for _, r := range reqs {
		for _, b := range []string{"configuration", "schema", "forestDNS"} {
			if hasBase(r, b) {
				w.table(r, strings.ToLower(b), "", bases[b], "")
			}
		}
	}
	server := root.GetAttributeValue("dnsHostName")
	for _, r := range reqs {
		if hasBase(r, "rootDSE") {
			w.table(r, "domain", domainDNS, "", server)
		}
		if hasBase(r, "domain") {
			w.table(r, "domain", domainDNS, domainDN, "")
		}
		if hasBase(r, "domainDNS") {
			w.table(r, "domaindns", domainDNS, bases["domainDNS"], "")
		}
	}
	w.writeUTF16("metadata.tsv", [][]string{
		{"oradad_version", "vigie-e2e (ORADAD 3 format)"},
		{"forest|rootdns", w.rootDNS},
		{"forest|systemtime", stamp},
		{"forest|instance", w.rootDNS + "_" + stamp},
	})
	if err := os.WriteFile(filepath.Join(w.dir, "tables.tsv"), w.index.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return w.dir, w.asked
}

func hasBase(r oradadRequest, b string) bool {
	for _, x := range r.Base {
		if strings.EqualFold(x, b) {
			return true
		}
	}
	return false
}

func dnToDNS(dn string) string {
	var parts []string
	for _, rdn := range strings.Split(dn, ",") {
		if k, v, ok := strings.Cut(rdn, "="); ok && strings.EqualFold(strings.TrimSpace(k), "DC") {
			parts = append(parts, strings.ToLower(v))
		}
	}
	return strings.Join(parts, ".")
}

func searchOne(t *testing.T, c *ldap.Conn, base string, scope int, filter string, attrs []string, ctrls []ldap.Control) *ldap.Entry {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, ctrls))
	if err != nil || len(res.Entries) == 0 {
		return nil
	}
	return res.Entries[0]
}

// table runs one request against one partition (or the root DSE when
// server is set) and writes its data file and its tables.tsv line.
func (w *oradadWriter) table(r oradadRequest, path1, path2, base, server string) {
	t := w.t
	cols := r.columns()
	rootDSE := server != ""
	var rel, name, short string
	if path2 != "" {
		rel = path1 + `\` + path2 + `\` + r.Name + ".tsv"
		name, short = path1+"_"+path2+"_"+r.Name, path1+"_"+r.Name
	} else {
		rel = path1 + `\` + r.Name + ".tsv"
		name, short = path1+"_"+r.Name, path1+"_"+r.Name
	}
	if rootDSE {
		name, short = r.Name, r.Name
	}
	top := r.Name == "top"
	attrs := make([]string, 0, len(cols))
	for _, c := range cols {
		attrs = append(attrs, c.name)
	}
	var entries []*ldap.Entry
	if rootDSE {
		if e := searchOne(t, w.c, "", ldap.ScopeBaseObject, "(objectClass=*)", attrs, nil); e != nil {
			entries = []*ldap.Entry{e}
		}
	} else {
		var ctrls []ldap.Control
		for _, c := range r.Controls {
			oid, val, _ := strings.Cut(c, "=")
			if oid == "1.2.840.113556.1.4.801" {
				v, _ := strconv.ParseUint(strings.TrimPrefix(val, "0x"), 16, 8)
				ctrls = append(ctrls, sdFlags(byte(v)))
				continue
			}
			ctrls = append(ctrls, ldap.NewControlString(oid, false, ""))
		}
		scope := ldap.ScopeWholeSubtree
		if r.Scope == "base" {
			scope = ldap.ScopeBaseObject
		}
		req := ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, r.Filter, attrs, ctrls)
		res, err := w.c.SearchWithPaging(req, 500)
		if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			t.Fatalf("ORADAD request %s on %s: %v", r.Name, base, err)
		}
		if res != nil {
			for _, e := range res.Entries {
				if w.inOtherNC(e.DN, base) {
					continue // a Windows DC does not cross naming-context boundaries
				}
				entries = append(entries, e)
			}
		}
	}
	var rows [][]string
	for _, e := range entries {
		k := strings.ToLower(e.DN)
		if rootDSE {
			k = ""
		}
		if w.asked[k] == nil {
			w.asked[k] = map[string]bool{}
		}
		for _, c := range cols {
			w.asked[k][strings.ToLower(c.name)] = true
		}
		var row []string
		if rootDSE {
			row = append(row, server)
		} else {
			row = append(row, e.DN)
		}
		if top {
			row = append(row, path1+"/"+firstNonEmpty(path2, w.rootDNS))
			short := ""
			if i := strings.LastIndex(strings.ToLower(e.DN), ","+strings.ToLower(base)); i > 0 {
				short = e.DN[:i]
			}
			row = append(row, short)
		}
		for _, c := range cols {
			row = append(row, w.values(e, c)...)
		}
		rows = append(rows, row)
	}
	w.writeUTF16(strings.ReplaceAll(rel, `\`, "/"), rows)

	// tables.tsv line: path, names, column count, name/type pairs.
	var decl []string
	if rootDSE {
		decl = append(decl, "server", fmt.Sprintf("nvarchar(%d)", maxLen(rows, 0)+1))
	} else {
		decl = append(decl, "dn", fmt.Sprintf("nvarchar(%d)", maxLen(rows, 0)+1))
	}
	ci := 1
	if top {
		decl = append(decl, "shortname", fmt.Sprintf("nvarchar(%d)", maxLen(rows, 1)+1), "shortdn", fmt.Sprintf("nvarchar(%d)", maxLen(rows, 2)+1))
		ci = 3
	}
	for _, c := range cols {
		filtered := c.filter != "" && (c.typ == "INT" || c.typ == "INT64")
		switch {
		case filtered:
			intType := "int"
			if c.typ == "INT64" {
				intType = "bigint"
			}
			decl = append(decl, c.name, sqlVarchar("nvarchar", maxLen(rows, ci), 4000), c.name+"_int", intType)
			ci += 2
			continue
		case c.typ == "INT":
			decl = append(decl, c.name, "int")
		case c.typ == "INT64":
			decl = append(decl, c.name, "bigint")
		case c.typ == "STR" || c.typ == "STRS":
			decl = append(decl, c.name, sqlVarchar("nvarchar", maxLen(rows, ci), 4000))
		case c.typ == "SID" || c.typ == "SD" || c.typ == "DACL" || c.typ == "BIN":
			decl = append(decl, c.name, sqlVarchar("varchar", maxLen(rows, ci), 8000))
		case c.typ == "GUID":
			decl = append(decl, c.name, "uniqueidentifier")
		case c.typ == "DATE" || c.typ == "DATEINT64":
			decl = append(decl, c.name, "datetime2")
		case c.typ == "BOOL":
			decl = append(decl, c.name, "tinyint")
		default:
			t.Fatalf("ORADAD type %q", c.typ)
		}
		ci++
	}
	fmt.Fprintf(&w.index, "%s\t%s\t%s\t%d\t%s\n", rel, name, short, len(decl)/2, strings.Join(decl, "\t"))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func maxLen(rows [][]string, col int) int {
	n := 0
	for _, r := range rows {
		if col < len(r) && len(r[col]) > n {
			n = len(r[col])
		}
	}
	return n
}

func sqlVarchar(kind string, n, max int) string {
	if n+1 >= max {
		return kind + "(max)"
	}
	return fmt.Sprintf("%s(%d)", kind, n/2+1)
}

// inOtherNC reports whether dn belongs to a naming context nested under base.
func (w *oradadWriter) inOtherNC(dn, base string) bool {
	l := strings.ToLower(dn)
	for _, nc := range w.ncs {
		n := strings.ToLower(nc)
		if strings.EqualFold(nc, base) || !strings.HasSuffix(n, ","+strings.ToLower(base)) {
			continue
		}
		if l == n || strings.HasSuffix(l, ","+n) {
			return true
		}
	}
	return false
}

// values formats one attribute the way LDAP.cpp does; a filtered integer
// gives two fields (text, raw).
func (w *oradadWriter) values(e *ldap.Entry, c oradadColumn) []string {
	raw := rangedValues(w.t, w.c, e, c.name)
	filtered := c.filter != "" && (c.typ == "INT" || c.typ == "INT64")
	if len(raw) == 0 {
		if filtered {
			return []string{"", ""}
		}
		return []string{""}
	}
	text := func(b []byte) string { return removeSpecial(string(b), c.limit) }
	switch c.typ {
	case "STR":
		return []string{text(raw[0])}
	case "INT", "INT64":
		if filtered {
			return []string{"flags " + string(raw[0]), string(raw[0])}
		}
		return []string{string(raw[0])}
	case "STRS":
		parts := make([]string, len(raw))
		for i, v := range raw {
			parts[i] = text(v)
		}
		return []string{strings.Join(parts, ";")}
	case "SID":
		parts := make([]string, 0, len(raw))
		for _, v := range raw {
			if s, err := secdesc.SIDFromBytes(v); err == nil {
				parts = append(parts, string(s))
			}
		}
		return []string{strings.Join(parts, ";")}
	case "SD":
		return []string{hex.EncodeToString(raw[0])}
	case "DACL":
		return []string{daclSDDL(w.t, raw[0])}
	case "GUID":
		g, err := secdesc.GUIDFromBytes(raw[0])
		if err != nil {
			w.t.Fatalf("%s %s: %v", e.DN, c.name, err)
		}
		return []string{g.String()}
	case "DATE":
		v := string(raw[0])
		if len(v) < 14 {
			w.t.Fatalf("%s %s: date %q", e.DN, c.name, v)
		}
		return []string{v[0:4] + "-" + v[4:6] + "-" + v[6:8] + " " + v[8:10] + ":" + v[10:12] + ":" + v[12:14]}
	case "DATEINT64":
		n, err := strconv.ParseInt(string(raw[0]), 10, 64)
		if err != nil {
			w.t.Fatalf("%s %s: %v", e.DN, c.name, err)
		}
		switch {
		case n == 0x7fffffffffffffff:
			return []string{"2999-12-12 23:59:59"}
		case n == 0:
			return []string{""}
		}
		tm := time.Unix(n/10_000_000-11644473600, 0).UTC()
		return []string{tm.Format("2006-01-02 15:04:05")}
	case "BOOL":
		switch strings.ToUpper(string(raw[0])) {
		case "TRUE":
			return []string{"1"}
		case "FALSE":
			return []string{"0"}
		}
		return []string{""}
	case "BIN":
		parts := make([]string, 0, len(raw))
		for _, v := range raw {
			if c.filter == "sid" {
				s, err := secdesc.SIDFromBytes(v)
				if err != nil {
					parts = append(parts, "Unable to convert SID")
					continue
				}
				parts = append(parts, string(s))
				continue
			}
			if c.limit > 0 && len(v) > c.limit {
				v = v[:c.limit]
			}
			parts = append(parts, hex.EncodeToString(v))
		}
		return []string{strings.Join(parts, ";")}
	}
	w.t.Fatalf("ORADAD type %q", c.typ)
	return nil
}

// removeSpecial is RemoveSpecialChars plus the optional size limit.
func removeSpecial(s string, limit int) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(s)
	if limit > 0 {
		if u := utf16.Encode([]rune(s)); len(u) > limit {
			s = string(utf16.Decode(u[:limit]))
		}
	}
	return s
}

// rangedValues returns every value of attr, fetching the further slices
// of a ranged attribute (member;range=0-1499) as ORADAD does.
func rangedValues(t *testing.T, c *ldap.Conn, e *ldap.Entry, attr string) [][]byte {
	var out [][]byte
	for _, a := range e.Attributes {
		name, rng, ranged := strings.Cut(a.Name, ";range=")
		if !strings.EqualFold(name, attr) {
			continue
		}
		out = append(out, a.ByteValues...)
		if !ranged {
			return out
		}
		for {
			_, hi, _ := strings.Cut(rng, "-")
			if hi == "*" {
				return out
			}
			n, err := strconv.Atoi(hi)
			if err != nil {
				t.Fatalf("%s: range %q", e.DN, a.Name)
			}
			next := searchOne(t, c, e.DN, ldap.ScopeBaseObject, "(objectClass=*)", []string{fmt.Sprintf("%s;range=%d-*", attr, n+1)}, nil)
			if next == nil || len(next.Attributes) == 0 {
				return out
			}
			out = append(out, next.Attributes[0].ByteValues...)
			_, rng, _ = strings.Cut(next.Attributes[0].Name, ";range=")
		}
	}
	return out
}

// daclSDDL is ConvertSecurityDescriptorToStringSecurityDescriptor with
// DACL_SECURITY_INFORMATION, in the plain form (SID strings, hex masks).
func daclSDDL(t *testing.T, b []byte) string {
	sd, err := secdesc.Parse(b)
	if err != nil {
		t.Fatalf("DACL: %v", err)
	}
	var s strings.Builder
	s.WriteString("D:")
	if sd.Protected() {
		s.WriteString("P")
	}
	if sd.DACL == nil {
		return "D:NO_ACCESS_CONTROL"
	}
	for _, a := range sd.DACL.ACEs {
		typ := map[byte]string{0: "A", 1: "D", 5: "OA", 6: "OD", 9: "XA", 10: "XD"}[a.Type]
		var fl string
		for _, f := range []struct {
			bit byte
			s   string
		}{{0x01, "OI"}, {0x02, "CI"}, {0x04, "NP"}, {0x08, "IO"}, {0x10, "ID"}} {
			if a.Flags&f.bit != 0 {
				fl += f.s
			}
		}
		obj, inh := "", ""
		if !a.ObjectType.IsZero() {
			obj = a.ObjectType.String()
		}
		if !a.InheritedObjectType.IsZero() {
			inh = a.InheritedObjectType.String()
		}
		fmt.Fprintf(&s, "(%s;%s;0x%x;%s;%s;%s)", typ, fl, a.Mask, obj, inh, a.SID)
	}
	return s.String()
}

// writeUTF16 writes rows as an ORADAD data file.
func (w *oradadWriter) writeUTF16(rel string, rows [][]string) {
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, r := range rows {
		for _, u := range utf16.Encode([]rune(strings.Join(r, "\t") + "\r\n")) {
			binary.Write(&b, binary.LittleEndian, u)
		}
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		w.t.Fatal(err)
	}
}
