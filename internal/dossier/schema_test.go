package dossier

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/internal/demo"
)

// The documented JSON Schema accepts what Vigie reads and writes, and
// rejects what it refuses.
func TestSchemaMatchesReader(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "dossier.schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("dossier.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("dossier.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	validate := func(b []byte) error {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		return sch.Validate(inst)
	}
	facts, err := Parse(demo.GHTDossier())
	if err != nil {
		t.Fatal(err)
	}
	var written bytes.Buffer
	if err := Write(&written, facts); err != nil {
		t.Fatal(err)
	}
	dated := edit(t, `"year": 2024, "budget_share": true|"year": 2024, "date": "2024-11-02", "budget_share": true`,
		`"budget": [{"entity": "010000016", "year": 2024,|"budget": [{"entity": "010000016", "year": 2024, "date": "2024-12-01",`,
		`"governance": {"referent": "Nom Prénom",|"governance": [{"date": "2024-09-01", "referent": "A"}, {"date": "2024-10-01", "referent": "Nom Prénom",`,
		`"already_converged": false}|"already_converged": false}]`)
	datedFacts, err := Parse(dated)
	if err != nil {
		t.Fatal(err)
	}
	var writtenDated bytes.Buffer
	if err := Write(&writtenDated, datedFacts); err != nil {
		t.Fatal(err)
	}
	docExample, err := os.ReadFile(filepath.Join("..", "..", "docs", "exemple-dossier.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(docExample); err != nil {
		t.Errorf("docs/exemple-dossier.json refused by the reader: %v", err)
	}
	for name, b := range map[string][]byte{"issue example": []byte(issueExample), "demo": demo.GHTDossier(), "written": written.Bytes(),
		"dated records": dated, "dated records written": writtenDated.Bytes(), "docs/exemple-dossier.json": docExample} {
		if err := validate(b); err != nil {
			t.Errorf("%s rejected by the schema: %v", name, err)
		}
	}
	for name, b := range map[string]string{
		"level 6":                    `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [], "ad_audits": [{"directory": "x", "date": "2024-01-01", "level": 6, "source": "ADS"}]}`,
		"unknown field":              `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [], "extra": 1}`,
		"action status":              `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "exercises": [{"entity": "010000016", "date": "2024-01-01", "actions": [{"title": "x", "status": "fini"}]}]}`,
		"measure answer":             `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "osis": [{"entity": "010000016", "year": 2024, "measures": {"MP01": "yes"}}]}`,
		"bad kind":                   `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "ET"}]}`,
		"governance list of strings": `{"format": "vigie-dossier/1", "wave": "D1-2024", "ght": {"code": "X", "support": "010000016"}, "entities": [{"finess": "010000016", "kind": "EJ"}], "governance": ["oui"]}`,
		"oSIS date":                  `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "osis": [{"entity": "010000016", "year": 2024, "date": "01/02/2024"}]}`,
	} {
		if validate([]byte(b)) == nil {
			t.Errorf("%s accepted by the schema", name)
		}
		if _, err := Parse([]byte(b)); err == nil {
			t.Errorf("%s accepted by the reader", name)
		}
	}
}
