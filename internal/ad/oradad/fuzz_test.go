package oradad

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRowReader feeds arbitrary bytes to the UTF-16 row reader.
func FuzzRowReader(f *testing.F) {
	f.Add(utf16File([][]string{{"CN=a,DC=x", "S-1-5-21-1-2-3-500", "2016-03-01 10:00:00"}}))
	f.Add([]byte{0xFF, 0xFE, '\r', 0, '\n', 0})
	f.Add([]byte("plain"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rr := newRowReader(bytes.NewReader(b), "f.tsv")
		for i := 0; i < 1000; i++ {
			if _, err := rr.next(); err != nil {
				return
			}
		}
	})
}

// FuzzConvert reads an extraction whose user table and tables.tsv line are
// arbitrary (everything Convert does but writing the snapshot): it must never
// panic, and every failure must be an input error.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("dn\tnvarchar(1)\tobjectSid\tnvarchar(1)\tpwdLastSet\tdatetime2"), utf16File([][]string{{"CN=u,DC=lab,DC=test", "S-1-5-21-1-2-3-500", "2016-03-01 10:00:00"}}))
	f.Add([]byte("dn\tnvarchar(1)\tnTSecurityDescriptor\tvarchar(max)\tobjectGUID\tuniqueidentifier"), utf16File([][]string{{"CN=u,DC=lab,DC=test", "0102", "{01020304-0506-0708-090a-0b0c0d0e0f10}"}}))
	f.Fuzz(func(t *testing.T, cols, data []byte) {
		dir, err := os.MkdirTemp("", "vigie-fuzz-oradad-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		n := bytes.Count(cols, []byte("\t"))/2 + 1
		idx := "lab.test_20261129-101500\ndomain\\lab.test\\user.tsv\tuser\tuser\t" + itoa(n) + "\t" + string(cols) + "\n"
		if err := os.MkdirAll(filepath.Join(dir, "domain", "lab.test"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "tables.tsv"), []byte(idx), 0o644)
		os.WriteFile(filepath.Join(dir, "domain", "lab.test", "user.tsv"), data, 0o644)
		_, _, _, err = load(context.Background(), dir)
		if err != nil && !IsInput(err) && !errors.Is(err, io.EOF) {
			t.Fatalf("non-input error: %v", err)
		}
	})
}

// FuzzSysvol reads an arbitrary sysvol.tsv under ORADAD's column list: it
// must never panic, and every failure must be an input error.
func FuzzSysvol(f *testing.F) {
	f.Add(utf16File([][]string{sysvolRow(`Policies\{31B2F340-016D-11D2-945F-00C04FB984F9}\GPT.INI`, "GPT.INI", "0100", "32", "2026-11-20 17:45:12", "0")}))
	f.Add(utf16File([][]string{sysvolRow(`Policies`, "Policies", "zz", "x", "hier", "-1")}))
	var cols []string
	for _, c := range sysvolCols {
		cols = append(cols, c[0], c[1])
	}
	idx := "lab.test_20261129-101500\ndomain\\lab.test\\sysvol.tsv\tdomain_lab.test_sysvol\tdomain_sysvol\t" + itoa(len(sysvolCols)) + "\t" + strings.Join(cols, "\t") + "\n"
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "domain", "lab.test"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "tables.tsv"), []byte(idx), 0o644)
		os.WriteFile(filepath.Join(dir, "domain", "lab.test", "sysvol.tsv"), data, 0o644)
		if _, _, _, err := load(context.Background(), dir); err != nil && !IsInput(err) && !errors.Is(err, io.EOF) {
			t.Fatalf("non-input error: %v", err)
		}
	})
}
