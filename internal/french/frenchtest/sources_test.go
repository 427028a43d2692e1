package frenchtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSourcesAgreePlurals reads every string literal of the project's Go
// code (tests excepted), every HTML template and every embedded JSON file
// for bracket plurals (« audit(s) »): whatever a user may read is written
// with its plural agreed (internal/french.Plural), wherever it is produced
// — outputs checked elsewhere cannot cover every error path.
func TestSourcesAgreePlurals(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("racine du projet introuvable : %v", err)
	}
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			files++
			checkGoLiterals(t, path)
		case strings.HasSuffix(name, ".html"), strings.HasSuffix(name, ".json") && strings.Contains(path, "internal"):
			files++
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, p := range pluralProblems(string(b)) {
				t.Errorf("%s : %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("%d fichiers lus seulement : le parcours du projet est faux", files)
	}
}

// checkGoLiterals reports the bracket plurals of a Go file's strings.
func checkGoLiterals(t *testing.T, path string) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Errorf("%s : %v", path, err)
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		for _, p := range pluralProblems(s) {
			t.Errorf("%s : %s", fset.Position(lit.Pos()), p)
		}
		return true
	})
}

// pluralProblems lists the bracket plurals of text (not its ISO dates:
// code and data hold many, for machines).
func pluralProblems(text string) []string {
	var out []string
	for _, p := range Problems(text) {
		if !strings.Contains(p, "date ISO") {
			out = append(out, p)
		}
	}
	return out
}
