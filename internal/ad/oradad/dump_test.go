package oradad

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// dumpTable is one table of a test extraction.
type dumpTable struct {
	path string      // relative, with backslashes as ORADAD writes them
	cols [][2]string // name, sqltype
	rows [][]string
}

// utf16File encodes rows the way ORADAD writes data files: UTF-16LE, BOM,
// TAB-separated, CRLF.
func utf16File(rows [][]string) []byte {
	var b []byte
	b = append(b, 0xFF, 0xFE)
	for _, r := range rows {
		for _, u := range utf16.Encode([]rune(strings.Join(r, "\t") + "\r\n")) {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// writeDump writes <root>/<forest>/<stamp>/ with tables.tsv, metadata.tsv
// and the data files, and returns the extraction directory.
func writeDump(t testing.TB, root, forest, stamp string, tables []dumpTable, meta [][]string) string {
	t.Helper()
	dir := filepath.Join(root, forest, stamp)
	var idx strings.Builder
	idx.WriteString(forest + "_" + stamp + "\n")
	for _, tb := range tables {
		p := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(tb.path, `\`, "/")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, utf16File(tb.rows), 0o644); err != nil {
			t.Fatal(err)
		}
		short := strings.TrimSuffix(filepath.Base(p), ".tsv")
		fields := []string{tb.path, strings.ReplaceAll(strings.TrimSuffix(tb.path, ".tsv"), `\`, "_"), short, itoa(len(tb.cols))}
		for _, c := range tb.cols {
			fields = append(fields, c[0], c[1])
		}
		idx.WriteString(strings.Join(fields, "\t") + "\n")
	}
	idx.WriteString("metadata.tsv\tmetadata\tmetadata\t2\tkey\tnvarchar(255)\tvalue\tnvarchar(max)\n")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tables.tsv"), []byte(idx.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata.tsv"), utf16File(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func itoa(n int) string {
	s := ""
	if n == 0 {
		return "0"
	}
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

// labDump is a small forest in ORADAD's documented format.
func labDump() []dumpTable {
	return []dumpTable{
		{path: "rootDSE.tsv", cols: [][2]string{{"server", "nvarchar(255)"}, {"defaultNamingContext", "nvarchar(255)"}, {"namingContexts", "nvarchar(max)"}, {"domainFunctionality", "int"}},
			rows: [][]string{{"DC1.lab.test", "DC=lab,DC=test", "DC=lab,DC=test;CN=Configuration,DC=lab,DC=test;CN=Schema,CN=Configuration,DC=lab,DC=test", "7"}}},
		{path: `domain\lab.test\top.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"shortname", "nvarchar(255)"}, {"shortdn", "nvarchar(255)"}, {"objectClass", "nvarchar(max)"}, {"nTSecurityDescriptor", "varchar(max)"}},
			rows: [][]string{
				{"DC=lab,DC=test", "lab", "DC=lab", "top;domain;domainDNS", "01000480140000003000000000000000"},
				{"CN=svc_sql,CN=Users,DC=lab,DC=test", "svc_sql", "CN=svc_sql", "top;person;organizationalPerson;user", "0100048c"},
				{"CN=Domain Admins,CN=Users,DC=lab,DC=test", "Domain Admins", "CN=Domain Admins", "top;group", "0100"},
			}},
		{path: `domain\lab.test\user.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"sAMAccountName", "nvarchar(255)"}, {"objectSid", "nvarchar(255)"}, {"sIDHistory", "nvarchar(max)"},
			{"userAccountControl", "nvarchar(255)"}, {"userAccountControl_int", "int"}, {"pwdLastSet", "datetime2"}, {"lastLogonTimestamp", "datetime2"}, {"accountExpires", "datetime2"},
			{"whenCreated", "datetime2"}, {"servicePrincipalName", "nvarchar(max)"}, {"description", "nvarchar(max)"}, {"isCriticalSystemObject", "tinyint"}, {"objectGUID", "uniqueidentifier"}, {"objectClass", "nvarchar(max)"}},
			rows: [][]string{{"CN=svc_sql,CN=Users,DC=lab,DC=test", "svc_sql", "S-1-5-21-1004336348-1177238915-682003330-1105", "S-1-5-21-1-2-3-1000;S-1-5-21-1-2-3-512",
				"NORMAL_ACCOUNT|DONT_EXPIRE_PASSWORD", "66048", "2016-03-01 10:00:00", "", "2999-12-12 23:59:59",
				"2024-05-06 07:08:09", "MSSQLSvc/sql01.lab.test:1433;HTTP/web.lab.test", "compte; avec point-virgule", "0", "{01020304-0506-0708-090a-0b0c0d0e0f10}", "user"}}},
		{path: `domain\lab.test\group.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"member", "nvarchar(max)"}, {"objectSid", "nvarchar(255)"}, {"adminCount", "int"}},
			rows: [][]string{{"CN=Domain Admins,CN=Users,DC=lab,DC=test", "CN=Administrator,CN=Users,DC=lab,DC=test;CN=svc_sql,CN=Users,DC=lab,DC=test", "S-1-5-21-1004336348-1177238915-682003330-512", "1"}}},
		{path: `configuration\crossRef.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"nCName", "nvarchar(255)"}, {"dnsRoot", "nvarchar(255)"}, {"systemFlags", "nvarchar(255)"}, {"systemFlags_int", "int"}},
			rows: [][]string{{"CN=LAB,CN=Partitions,CN=Configuration,DC=lab,DC=test", "DC=lab,DC=test", "lab.test", "CR_NTDS_NC|CR_NTDS_DOMAIN", "3"}}},
		{path: `schema\attribute.tsv`, cols: [][2]string{{"dn", "nvarchar(255)"}, {"lDAPDisplayName", "nvarchar(255)"}, {"schemaIDGUID", "uniqueidentifier"}},
			rows: [][]string{{"CN=Member,CN=Schema,CN=Configuration,DC=lab,DC=test", "member", "bf9679c0-0de6-11d0-a285-00aa003049e2"}}},
	}
}
