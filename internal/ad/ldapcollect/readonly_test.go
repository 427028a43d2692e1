package ldapcollect

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestConnOffersOnlyBindAndSearch pins the collector's LDAP surface.
func TestConnOffersOnlyBindAndSearch(t *testing.T) {
	typ := reflect.TypeOf((*Conn)(nil)).Elem()
	var names []string
	for i := 0; i < typ.NumMethod(); i++ {
		names = append(names, typ.Method(i).Name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "Bind,Close,Search" {
		t.Errorf("Conn methods = %v, want Bind, Close, Search only", names)
	}
}

// TestNoWriteOperationInPackage scans the package's code for LDAP write
// operations: the collector must stay read-only by construction.
func TestNoWriteOperationInPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	write := regexp.MustCompile(`\b(New(Add|Modify|Del|ModifyDN|PasswordModify)Request|(Add|Modify|Del|ModifyDN|PasswordModify)Request\b|\.(Modify|ModifyDN|Del|PasswordModify|ModifyWithResult|Extended)\()`)
	add := regexp.MustCompile(`(\w+)\.Add\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := write.FindString(line); m != "" {
				t.Errorf("%s:%d: LDAP write operation %q in the collector", f, i+1, m)
			}
			for _, m := range add.FindAllStringSubmatch(line, -1) {
				if m[1] != "o" { // o is always a *snapshot.Object
					t.Errorf("%s:%d: %s.Add call: only snapshot objects may be added to", f, i+1, m[1])
				}
			}
		}
	}
}
