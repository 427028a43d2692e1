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
	provisional := edit(t, `"level": 2, "source": "ADS"}|"level": 2, "source": "ADS"}, {"directory": "ad-chu", "date": "2024-09-01", "level": 3, "source": "vigie", "level_provisional": true, "level_provisional_points": ["vuln_permissions_dpapi", "vuln_rodc_priv_revealed"]}`)
	provisionalFacts, err := Parse(provisional)
	if err != nil {
		t.Fatal(err)
	}
	if a := provisionalFacts.ADAudits[1]; !a.Provisional || len(a.ProvisionalPoints) != 2 {
		t.Fatalf("caveat not read: %+v", a)
	}
	var writtenProvisional bytes.Buffer
	if err := Write(&writtenProvisional, provisionalFacts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(writtenProvisional.Bytes(), []byte(`"level_provisional": true`)) {
		t.Errorf("caveat not written:\n%s", writtenProvisional.String())
	}
	docExample, err := os.ReadFile(filepath.Join("..", "..", "docs", "exemple-dossier.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(docExample); err != nil {
		t.Errorf("docs/exemple-dossier.json refused by the reader: %v", err)
	}
	for name, b := range map[string][]byte{"issue example": []byte(issueExample), "demo": demo.GHTDossier(), "written": written.Bytes(),
		"dated records": dated, "dated records written": writtenDated.Bytes(), "docs/exemple-dossier.json": docExample,
		"provisional level": provisional, "provisional level written": writtenProvisional.Bytes()} {
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
		"points of a final level":    `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "directories": [{"id": "x", "entities": ["010000016"]}], "ad_audits": [{"directory": "x", "date": "2024-01-01", "level": 3, "source": "vigie", "level_provisional": false, "level_provisional_points": ["vuln_a"]}]}`,
		"bad point identifier":       `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "directories": [{"id": "x", "entities": ["010000016"]}], "ad_audits": [{"directory": "x", "date": "2024-01-01", "level": 3, "source": "vigie", "level_provisional_points": ["vuln a"]}]}`,
		"point twice":                `{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{"finess": "010000016", "kind": "EJ"}], "directories": [{"id": "x", "entities": ["010000016"]}], "ad_audits": [{"directory": "x", "date": "2024-01-01", "level": 3, "source": "vigie", "level_provisional_points": ["vuln_a", "vuln_a"]}]}`,
	} {
		if validate([]byte(b)) == nil {
			t.Errorf("%s accepted by the schema", name)
		}
		if _, err := Parse([]byte(b)); err == nil {
			t.Errorf("%s accepted by the reader", name)
		}
	}
}
