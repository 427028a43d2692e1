package checks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"vigie/internal/ad/ldapcollect"
)

// baseAttrs are read by the directory model for every point (class, SID,
// membership, descriptor): a point does not need to redeclare them.
var baseAttrs = map[string]bool{"objectclass": true, "objectsid": true, "ntsecuritydescriptor": true}

// TestEveryAttributeReadIsDeclared reads the source of the control points
// and, for each registered point, gathers every attribute name its code
// can reach (its Run function and the package functions it calls): each
// must be declared in the point's Needs (Attrs or Optional), so that a
// point never runs on an attribute the snapshot lacks without saying so.
func TestEveryAttributeReadIsDeclared(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	funcs := map[string]*ast.FuncDecl{}
	vars := map[string]ast.Node{}
	regs := map[string][]ast.Expr{} // check ID → Run and Needs expressions
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				funcs[fd.Name.Name] = fd
			}
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							vars[n.Name] = vs.Values[i]
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			outer, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			at, ok := outer.Type.(*ast.ArrayType)
			if !ok {
				return true
			}
			if id, ok := at.Elt.(*ast.Ident); !ok || id.Name != "Check" {
				return true
			}
			for _, el := range outer.Elts {
				cl, ok := el.(*ast.CompositeLit)
				if !ok {
					continue
				}
				var idv string
				var run []ast.Expr
				for _, e := range cl.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch kv.Key.(*ast.Ident).Name {
					case "ID":
						idv, _ = strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
					case "Run", "Needs":
						run = append(run, kv.Value)
					}
				}
				if idv != "" && run != nil {
					regs[idv] = run
				}
			}
			return true
		})
	}
	universe := map[string]bool{}
	for _, a := range ldapcollect.CollectedAttributes() {
		universe[a] = true
	}
	registered := append(All(), Advisories()...)
	if len(regs) != len(registered) {
		t.Fatalf("%d registrations found in the source, %d registered", len(regs), len(registered))
	}
	for _, c := range registered {
		declared := map[string]bool{}
		for _, a := range append(append([]string(nil), c.Needs.Attrs...), c.Needs.Optional...) {
			declared[strings.ToLower(a)] = true
		}
		read := map[string]bool{}
		seen := map[string]bool{}
		var walk func(n ast.Node)
		walk = func(n ast.Node) {
			ast.Inspect(n, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.BasicLit:
					if x.Kind == token.STRING {
						if s, err := strconv.Unquote(x.Value); err == nil && universe[strings.ToLower(s)] {
							read[strings.ToLower(s)] = true
						}
					}
				case *ast.Ident:
					if fd, ok := funcs[x.Name]; ok && !seen[x.Name] {
						seen[x.Name] = true
						walk(fd.Body)
					}
					if v, ok := vars[x.Name]; ok && !seen[x.Name] {
						seen[x.Name] = true
						walk(v)
					}
				case *ast.SelectorExpr:
					if fd, ok := funcs[x.Sel.Name]; ok && fd.Recv != nil && !seen[x.Sel.Name] {
						seen[x.Sel.Name] = true
						walk(fd.Body)
					}
					walk(x.X) // not x.Sel: o.All is not the package's All
					return false
				}
				return true
			})
		}
		for _, e := range regs[c.ID] {
			walk(e)
		}
		var undeclared []string
		for a := range read {
			if !declared[a] && !baseAttrs[a] {
				undeclared = append(undeclared, a)
			}
		}
		sort.Strings(undeclared)
		if len(undeclared) > 0 && testing.Verbose() {
			var names []string
			for k := range seen {
				names = append(names, k)
			}
			sort.Strings(names)
			t.Logf("%s walked %s", c.ID, strings.Join(names, " "))
		}
		if len(undeclared) > 0 {
			t.Errorf("%s reads %s without declaring it in Needs", c.ID, strings.Join(undeclared, ", "))
		}
	}
}

// TestCollectorFetchesEveryNeededAttribute: whatever a point declares, the
// LDAP collector asks for.
func TestCollectorFetchesEveryNeededAttribute(t *testing.T) {
	collected := map[string]bool{}
	for _, a := range ldapcollect.CollectedAttributes() {
		collected[a] = true
	}
	for _, c := range append(All(), Advisories()...) {
		for _, a := range append(append([]string(nil), c.Needs.Attrs...), c.Needs.Optional...) {
			if !collected[strings.ToLower(a)] {
				t.Errorf("%s needs %s, which the LDAP collector does not request", c.ID, a)
			}
		}
	}
}

// TestOptionalTargetsHaveAFilter: a target whose absence lets the point be
// evaluated says how to find it on a DC.
func TestOptionalTargetsHaveAFilter(t *testing.T) {
	for _, c := range append(All(), Advisories()...) {
		for _, tg := range c.Needs.Targets {
			if (tg.Optional || tg.AdminOnly) && tg.Filter == "" {
				t.Errorf("%s: target %q may be absent but has no LDAP filter", c.ID, tg.What)
			}
		}
	}
}
