package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestADDispatcherUsage(t *testing.T) {
	if code, out, _ := run(t, "ad"); code != 2 || !strings.Contains(out, "collect") || !strings.Contains(out, "import-oradad") {
		t.Errorf("vigie ad: code %d, help %q", code, out)
	}
	if code, _, errs := run(t, "ad", "nope"); code != 2 || !strings.Contains(errs, "inconnue") {
		t.Errorf("unknown subcommand: code %d %q", code, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ad", "collect", "--dc", "127.0.0.1", "--user", "u"}, "-o"},
		{[]string{"ad", "collect", "--user", "u", "-o", "x"}, "--dc"},
		{[]string{"ad", "collect", "--dc", "h", "--user", "u", "-o", "x", "--password", "secret"}, "jamais"},
		{[]string{"ad", "collect", "--dc", "h", "--user", "u", "-o", "x"}, "VIGIE_AD_PASSWORD"},
		{[]string{"ad", "collect", "--dc", "h", "--user", "u", "-o", "x", "--password-file", "/nonexistent/pw"}, "/nonexistent/pw"},
		{[]string{"ad", "collect", "--dc", "h", "--bogus"}, "bogus"},
		{[]string{"ad", "audit", "--dc", "h", "--user", "u", "--format", "xml"}, "xml"},
		{[]string{"ad", "import-oradad", "-o", "x"}, "DOSSIER_ORADAD"},
		{[]string{"ad", "import-oradad", "/nonexistent", "-o", "x"}, "introuvable"},
		{[]string{"ad", "merge", "a.gz", "-o", "x"}, "un instantané collecté depuis un DC de chaque domaine"},
		{[]string{"ad", "merge", "a.gz", "b.gz"}, "-o"},
		{[]string{"ad", "merge", "/nonexistent/a.gz", "/nonexistent/b.gz", "-o", "x"}, "/nonexistent/a.gz"},
	} {
		code, _, errs := run(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stderr %q, want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// oradadFile encodes rows as ORADAD does: UTF-16LE, BOM, TAB, CRLF.
func oradadFile(rows ...string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range rows {
		for _, u := range utf16.Encode([]rune(r + "\r\n")) {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestADImportORADAD(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lab.test", "20261129-101500")
	if err := os.MkdirAll(filepath.Join(dir, "domain", "lab.test"), 0o755); err != nil {
		t.Fatal(err)
	}
	idx := "lab.test_20261129-101500\n" +
		"domain\\lab.test\\user.tsv\tdomain_lab.test_user\tuser\t3\tdn\tnvarchar(255)\tobjectSid\tnvarchar(255)\tpwdLastSet\tdatetime2\n"
	os.WriteFile(filepath.Join(dir, "tables.tsv"), []byte(idx), 0o644)
	os.WriteFile(filepath.Join(dir, "domain", "lab.test", "user.tsv"),
		oradadFile("CN=a,CN=Users,DC=lab,DC=test\tS-1-5-21-1-2-3-1104\t2016-03-01 10:00:00"), 0o644)
	out := filepath.Join(t.TempDir(), "s.gz")
	code, stdout, errs := run(t, "ad", "import-oradad", filepath.Dir(filepath.Dir(dir)), "-o", out)
	if code != 0 || !strings.Contains(stdout, "Objets : 1") || !strings.Contains(stdout, "SYSVOL : absent de l'extraction") {
		t.Fatalf("import: code %d\n%s%s", code, stdout, errs)
	}
	// a malformed row is an input error naming the file and line
	os.WriteFile(filepath.Join(dir, "domain", "lab.test", "user.tsv"), oradadFile("CN=a,DC=lab,DC=test\tS-1-5-21-1-2-3-1104\t2016-03-01 10:00:00", "CN=b"), 0o644)
	code, _, errs = run(t, "ad", "import-oradad", dir, "-o", filepath.Join(t.TempDir(), "s.gz"))
	if code != 2 || !strings.Contains(errs, "user.tsv, ligne 2") {
		t.Errorf("malformed: code %d, stderr %q", code, errs)
	}
	mla := filepath.Join(t.TempDir(), "lab.test_20261129-101500.mla")
	os.WriteFile(mla, []byte("MLA"), 0o644)
	if code, _, errs = run(t, "ad", "import-oradad", mla, "-o", out); code != 2 || !strings.Contains(errs, "outputFiles") {
		t.Errorf("mla: code %d, stderr %q", code, errs)
	}
}
