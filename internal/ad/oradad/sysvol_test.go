package oradad

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sysvolCols are sysvol.tsv's columns as ORADAD 3.6 declares them in
// tables.tsv (the last write time's name included, as spelt there).
var sysvolCols = [][2]string{{"forest", "nvarchar(9)"}, {"domain", "nvarchar(9)"}, {"guid", "nvarchar(39)"},
	{"path", "nvarchar(200)"}, {"filename", "nvarchar(50)"}, {"archivename", "nvarchar(21)"},
	{"securitydescriptor", "nvarchar(max)"}, {"fileattributes", "int"}, {"ftCreationTime", "datetime2"},
	{"ftLastAccessTime", "datetime2"}, {"ftCreaftLastWriteTimetionTime", "datetime2"}, {"filesize", "bigint"},
	{"take", "tinyint"}, {"errorCode", "int"}}

// sysvolRow is one row of sysvol.tsv.
func sysvolRow(path, name, sdHex, attrs, written, errCode string) []string {
	guid := ""
	if i := strings.Index(path, `Policies\{`); i >= 0 {
		guid = path[i+9:]
		if j := strings.IndexByte(guid, '\\'); j >= 0 {
			guid = guid[:j]
		}
	}
	return []string{"lab.test", "lab.test", guid, path, name, "1234", sdHex, attrs, "2026-01-02 08:00:00", "2026-11-28 08:00:00", written, "23", "1", errCode}
}

// TestConvertSysvol: an extraction's sysvol.tsv becomes the snapshot's
// SYSVOL listing (folders, files, descriptors, last write times), not
// directory objects; a malformed row names the file and the line.
func TestConvertSysvol(t *testing.T) {
	const guid = "{31B2F340-016D-11D2-945F-00C04FB984F9}"
	sd := "01000480140000000000000000000000000000000101000000000005120000000000" // owner SYSTEM, no DACL
	rows := [][]string{
		sysvolRow(`Policies`, "Policies", sd, "16", "2026-01-02 08:00:00", "0"),
		sysvolRow(`Policies\`+guid, guid, sd, "16", "2026-03-04 10:00:00", "0"),
		sysvolRow(`Policies\`+guid+`\GPT.INI`, "GPT.INI", sd, "32", "2026-11-20 17:45:12", "0"),
		sysvolRow(`Policies\`+guid+`\Machine\Registry.pol`, "Registry.pol", "", "", "", "5"),
	}
	tables := append(labDump(), dumpTable{path: `domain\lab.test\sysvol.tsv`, cols: sysvolCols, rows: rows})
	root := t.TempDir()
	writeDump(t, root, "lab.test", "20261129-101500", tables, [][]string{{"oradad_version", "3.6.218"}})
	out := filepath.Join(t.TempDir(), "s.gz")
	if _, err := Convert(context.Background(), root, out); err != nil {
		t.Fatal(err)
	}
	h, objs, _ := readSnap(t, out)
	if h.Sysvol == nil || h.Sysvol.Source != "oradad" || len(h.Sysvol.Entries) != 4 {
		t.Fatalf("sysvol = %+v", h.Sysvol)
	}
	for dn := range objs {
		if strings.Contains(strings.ToLower(dn), "policies") || strings.Contains(strings.ToLower(dn), "lab.test") {
			t.Errorf("SYSVOL row read as a directory object: %q", dn)
		}
	}
	e := h.Sysvol.Entries
	if !e[1].PolicyRoot() || e[1].GUID != guid || !e[1].Dir || len(e[1].SD) != 34 {
		t.Errorf("policy root = %+v", e[1])
	}
	if e[2].Dir || e[2].Name != "GPT.INI" || e[2].GUID != guid || !e[2].LastWrite.Equal(time.Date(2026, 11, 20, 17, 45, 12, 0, time.UTC)) {
		t.Errorf("file = %+v", e[2])
	}
	if e[3].SD != nil || e[3].Error != 5 || !e[3].LastWrite.IsZero() {
		t.Errorf("unreadable file = %+v", e[3])
	}

	bad := append([][]string{}, rows...)
	bad[2] = sysvolRow(`Policies\`+guid+`\GPT.INI`, "GPT.INI", sd, "fichier", "2026-11-20 17:45:12", "0")
	tables[len(tables)-1].rows = bad
	root = t.TempDir()
	writeDump(t, root, "lab.test", "20261129-101500", tables, nil)
	_, err := Convert(context.Background(), root, filepath.Join(t.TempDir(), "s.gz"))
	if err == nil || !IsInput(err) || !strings.Contains(err.Error(), "sysvol.tsv") || !strings.Contains(err.Error(), "ligne 3") {
		t.Fatalf("malformed row: %v", err)
	}
}
