package org

import (
	"os"
	"strings"
	"testing"
)

func TestReadEtalabSample(t *testing.T) {
	f, err := os.Open("testdata/etalab-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := ReadEtalab(f)
	if err != nil {
		t.Fatal(err)
	}
	if x.Version != "1.0" || x.Date != "2026-11-01" || len(x.Errors) != 0 || len(x.Sites) != 3 {
		t.Fatalf("%+v", x)
	}
	if s := x.Sites[2]; s.EG != "2A0000014" || s.EJ != "010000115" || s.Name != "CLINIQUE FICTIVE DU GOLFE" || s.Category != "365" {
		t.Errorf("site %+v", s)
	}
	es := x.Entities()
	if len(es) != 5 { // 2 EJ + 3 EG
		t.Fatalf("entities %+v", es)
	}
	tr := NewTree(es)
	if n := len(tr.Sites("010000099")); n != 2 {
		t.Errorf("EJ 010000099 has %d sites", n)
	}
}

func TestReadEtalabBadRows(t *testing.T) {
	in := "finess;etalab;1.0;2026-11-01\n" +
		"structureet;010000081;010000099" + strings.Repeat(";x", 25) + "\n" +
		"structureet;010000082;010000099" + strings.Repeat(";x", 25) + "\n" + // bad key
		"structureet;too;short\n"
	x, err := ReadEtalab(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Sites) != 1 || len(x.Errors) != 2 || x.Errors[0].Line != 3 || !strings.Contains(x.Errors[0].Error(), "nofinesset") {
		t.Fatalf("sites %d errors %v", len(x.Sites), x.Errors)
	}
}

func TestReadEtalabLatin1(t *testing.T) {
	in := "finess;etalab;1.0;2020-01-01\nstructureet;010000081;010000099;CH;CH DES \xc9RABLES" + strings.Repeat(";", 25) + "\n"
	x, err := ReadEtalab(strings.NewReader(in))
	if err != nil || len(x.Sites) != 1 {
		t.Fatalf("%v %+v", err, x)
	}
	if x.Sites[0].Name != "CH DES ÉRABLES" {
		t.Errorf("latin-1 name decoded as %q", x.Sites[0].Name)
	}
}

func TestReadEtalabRejectsOtherFiles(t *testing.T) {
	for _, in := range []string{"", "nofinesset;rs\n", "{\"json\": true}"} {
		if _, err := ReadEtalab(strings.NewReader(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func FuzzReadEtalab(f *testing.F) {
	b, _ := os.ReadFile("testdata/etalab-sample.csv")
	f.Add(string(b))
	f.Add("finess;etalab\nstructureet;;;\n")
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ReadEtalab(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, e := range x.Entities() {
			if _, err := ParseFINESS(string(e.FINESS)); err != nil {
				t.Fatalf("invalid FINESS %q produced", e.FINESS)
			}
		}
	})
}
