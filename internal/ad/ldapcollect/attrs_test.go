package ldapcollect

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryAttributeReadIsCollected reads the source of the directory
// model and of the control points: every attribute name they pass to an
// object accessor (Get, Int, All, Time, Binary, BinaryAll, Has, and the
// date helpers) must be requested by the collector, on objects or on the
// root DSE. This is what let dNSProperty, revision, the display-specifier
// menus or msDS-SecondaryKrbTgtNumber go unread.
func TestEveryAttributeReadIsCollected(t *testing.T) {
	want := map[string]bool{}
	for _, a := range CollectedAttributes() {
		want[a] = true
	}
	for _, a := range rootDSEAttributes {
		want[strings.ToLower(a)] = true
	}
	accessors := map[string]int{"Get": 0, "Int": 0, "All": 0, "Time": 0, "Binary": 0, "BinaryAll": 0, "Has": 0,
		"OlderThan": 1, "Inactive": 1, "dateOf": 1, "runDCAge": 0, "runServerAge": 0}
	var files []string
	for _, dir := range []string{"../model", "../checks"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch x := call.Fun.(type) {
			case *ast.SelectorExpr:
				fn = x.Sel.Name
			case *ast.Ident:
				fn = x.Name
			}
			i, ok := accessors[fn]
			if !ok || i >= len(call.Args) {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			attr, _ := strconv.Unquote(lit.Value)
			checked++
			if !want[strings.ToLower(attr)] {
				t.Errorf("%s: %s(%q) reads an attribute the collector does not request", fset.Position(lit.Pos()), fn, attr)
			}
			return true
		})
	}
	if checked < 50 {
		t.Fatalf("only %d attribute reads found: the scan is broken", checked)
	}
}
