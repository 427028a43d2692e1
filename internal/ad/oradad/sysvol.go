package oradad

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"vigie/internal/ad/snapshot"
)

// fileAttributeDirectory is FILE_ATTRIBUTE_DIRECTORY.
const fileAttributeDirectory = 0x10

// isSysvolTable reports whether a table of tables.tsv is a domain's SYSVOL
// listing (domain\<dns>\sysvol.tsv), which lists files, not objects.
func isSysvolTable(t table) bool {
	return strings.EqualFold(filepath.Base(slashPath(t.Path)), "sysvol.tsv")
}

// sysvolColumns are the columns read from sysvol.tsv, by name; ORADAD
// 3.6 names the last write time « ftCreaftLastWriteTimetionTime ».
var sysvolColumns = map[string]string{
	"domain": "domain", "guid": "guid", "path": "path", "filename": "filename",
	"securitydescriptor": "sd", "fileattributes": "attributes", "ftlastwritetime": "lastwrite",
	"ftcreaftlastwritetimetiontime": "lastwrite", "errorcode": "error",
}

// readSysvol reads one domain's sysvol.tsv: one entry per file or folder.
// A security descriptor that is not hexadecimal is dropped (the entry
// stays, its descriptor unknown); a malformed row is an input error
// naming the file and the line.
func readSysvol(ctx context.Context, base string, t table) ([]snapshot.SysvolEntry, error) {
	p := filepath.Join(base, filepath.FromSlash(slashPath(t.Path)))
	f, err := os.Open(p)
	if err != nil {
		return nil, inputf("ouvrir %s : %w", p, err)
	}
	defer f.Close()
	col := map[string]int{}
	for i, c := range t.Columns {
		if k, ok := sysvolColumns[strings.ToLower(c.Name)]; ok {
			col[k] = i
		}
	}
	for _, k := range []string{"path", "filename", "sd"} {
		if _, ok := col[k]; !ok {
			return nil, inputf("%s : colonne %s absente de tables.tsv", p, k)
		}
	}
	get := func(row []string, k string) string {
		if i, ok := col[k]; ok {
			return row[i]
		}
		return ""
	}
	var out []snapshot.SysvolEntry
	rr := newRowReader(f, p)
	for n := 0; ; n++ {
		if n%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		row, err := rr.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, &InputError{Err: err}
		}
		if len(row) != len(t.Columns) {
			return nil, &InputError{Err: rr.errf("%d colonnes au lieu des %d déclarées dans tables.tsv pour « %s »", len(row), len(t.Columns), t.Name)}
		}
		if n == 0 && strings.EqualFold(row[0], t.Columns[0].Name) {
			continue // header row (ORADAD's writeHeader)
		}
		e := snapshot.SysvolEntry{Domain: strings.ToLower(get(row, "domain")), GUID: strings.ToUpper(get(row, "guid")),
			Path: get(row, "path"), Name: get(row, "filename")}
		if e.Path == "" && e.Name == "" {
			continue // the share's root
		}
		if v := get(row, "sd"); v != "" {
			if sd, err := hex.DecodeString(v); err == nil {
				e.SD = sd
			}
		}
		if v := get(row, "attributes"); v != "" {
			a, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return nil, &InputError{Err: rr.errf("colonne fileattributes : %q n'est pas un entier", v)}
			}
			e.Dir = a&fileAttributeDirectory != 0
		}
		if v := get(row, "lastwrite"); v != "" {
			if e.LastWrite, err = parseDate(v); err != nil {
				return nil, &InputError{Err: rr.errf("colonne de date de dernière écriture : %v", err)}
			}
		}
		if v := get(row, "error"); v != "" && v != "0" {
			if code, err := strconv.ParseUint(v, 10, 32); err == nil {
				e.Error = uint32(code)
			}
		}
		out = append(out, e)
	}
}
