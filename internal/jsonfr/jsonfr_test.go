package jsonfr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDescribeUnknownField(t *testing.T) {
	var v struct {
		Rules []int `json:"rules"`
	}
	data := []byte(`{"rulez": []}`)
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	err := dec.Decode(&v)
	if got := Describe(data, err); got != "rulez : champ inconnu" {
		t.Errorf("Describe = %q", got)
	}
}

func TestDescribe(t *testing.T) {
	var v struct {
		Level int `json:"level"`
	}
	for in, want := range map[string]string{
		"{\n  \"level\": \"2\"\n}": "ligne 2, colonne 15 : level : attendu un entier, trouvé une chaîne",
		"{\n  \"level\": 2,,\n}":   "JSON invalide ligne 2",
		"":                         "JSON invalide ligne 1, colonne 1",
		"[1]":                      "racine du document JSON : attendu un objet, trouvé un tableau",
	} {
		err := json.Unmarshal([]byte(in), &v)
		if err == nil {
			t.Fatalf("%q decoded", in)
		}
		if got := Describe([]byte(in), err); !strings.Contains(got, want) {
			t.Errorf("Describe(%q) = %q, want %q", in, got, want)
		}
	}
}
