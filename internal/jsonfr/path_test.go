package jsonfr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPathAtTypeErrors(t *testing.T) {
	type payment struct {
		Amount float64 `json:"amount_eur"`
	}
	type doc struct {
		Payments []payment              `json:"payments"`
		Entities []string               `json:"entities"`
		Counts   struct{ Critical int } `json:"counts"`
		Nested   [][]int                `json:"nested"`
		Level    int                    `json:"level"`
		Map      map[string]string      `json:"map"`
	}
	for in, want := range map[string]string{
		`{"payments": [{"amount_eur": 1}, {"amount_eur": "x"}]}`:      "payments[1].amount_eur",
		`{"entities": ["a", "b", 3]}`:                                 "entities[2]",
		`{"counts": {"Critical": "x"}}`:                               "counts.Critical",
		`{"nested": [[1], [2, "x"]]}`:                                 "nested[1][1]",
		`{"level": {"a": [1, 2]}}`:                                    "level",
		`{"entities": ["a"], "level": [1]}`:                           "level",
		`{"map": {"k1": "v", "k2": 2}}`:                               "map.k2",
		`{"payments": [{"amount_eur": 1}, {"amount_eur": {"x": 1}}]}`: "payments[1].amount_eur",
	} {
		var d doc
		err := json.Unmarshal([]byte(in), &d)
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			t.Fatalf("%s: %v", in, err)
		}
		if got := PathAt([]byte(in), te.Offset); got != want {
			t.Errorf("PathAt(%s, %d) = %q, want %q", in, te.Offset, got, want)
		}
	}
	if got := PathAt([]byte(`[1, "x"]`), 0); got != "" {
		t.Errorf("root array: %q", got)
	}
}

func TestSyntaxInFrench(t *testing.T) {
	var v any
	for in, want := range map[string]string{
		`{"a": 1,}`:    "caractère « } » inattendu : une clé entre guillemets est attendue",
		`{"a" 1}`:      "« : » est attendu après la clé",
		`{"a": 1 "b"}`: "« , » ou « } » est attendu",
		`[1 2]`:        "« , » ou « ] » est attendu",
		`{"a": tru}`:   "true mal écrit",
		`{"a": "\q"}`:  "séquence d'échappement invalide",
		`{"a": 1e}`:    "exposant mal formé",
		`{"a":`:        "JSON incomplet",
		`{} x`:         "données après la fin du document JSON",
		`{"a": ' '}`:   "caractère « ' » inattendu : une valeur JSON est attendue",
	} {
		err := json.Unmarshal([]byte(in), &v)
		if got := Syntax(err); got != want && !contains(got, want) {
			t.Errorf("Syntax(%s) = %q, want %q", in, got, want)
		}
	}
}

func contains(s, sub string) bool { return len(sub) <= len(s) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestKeyPath(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 1, "extra": 2}`:                              "extra",
		`{"counts": {"critical": 0, "severe": 1}}`:          "counts.severe",
		`{"payments": [{"amount_eur": 1}, {"montant": 2}]}`: "payments[1].montant",
		`{"a": [1, [2, {"b": {"montant": 3}}]]}`:            "a[1][1].b.montant",
		`{"a": "montant"}`:                                  "montant",
	} {
		key := want[strings.LastIndexAny(want, ".]")+1:]
		if got := KeyPath([]byte(in), key); got != want {
			t.Errorf("KeyPath(%s, %q) = %q, want %q", in, key, got, want)
		}
	}
}

func FuzzPathAt(f *testing.F) {
	f.Add([]byte(`{"payments": [{"amount_eur": 1}, {"amount_eur": "x"}]}`), int64(47), "amount_eur")
	f.Add([]byte(`[1, [2, {"a": null}]`), int64(5), "a")
	f.Fuzz(func(t *testing.T, data []byte, off int64, key string) {
		_ = PathAt(data, off)
		_ = KeyPath(data, key)
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			_ = Syntax(err)
		}
	})
}
