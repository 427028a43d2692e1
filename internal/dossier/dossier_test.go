package dossier

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"vigie/internal/demo"
)

// issueExample is the file shape external tools produce.
const issueExample = `{
  "format": "vigie-dossier/1",
  "wave": "D1-2024",
  "ght": {"code": "ARA-99", "name": "GHT Exemple", "support": "010000016"},
  "entities": [
    {"finess": "010000016", "kind": "EJ", "name": "CH Exemple", "legal_status": "13"},
    {"finess": "010000024", "kind": "EG", "parent": "010000016", "name": "Site A"}
  ],
  "prerequisites": [{"entity": "010000016", "id": "PS2.1", "met": true, "date": "2024-03-01"}],
  "directories": [{"id": "ad-chu", "name": "chu.local", "entities": ["010000016"]}],
  "ad_audits": [{"directory": "ad-chu", "date": "2024-07-01", "level": 2, "source": "ADS"}],
  "exposure_audits": [{"entities": ["010000016"], "date": "2024-07-15", "complete_perimeter": true,
                       "counts": {"critical": 0, "high": 1, "medium": 3, "low": 2}, "source": "SILENE"}],
  "exercises": [{"entity": "010000016", "date": "2024-10-10", "kit": "intermediaire",
    "participants": [{"role": "directeur de crise", "direction": "direction générale"}, {"role": "cadre de santé", "direction": "direction des soins"}],
    "actions": [{"title": "Procédures dégradées papier", "owner": "DSI", "due": "2025-03-31", "status": "en_cours"}]}],
  "osis": [{"entity": "010000016", "year": 2024, "budget_share": true, "priority_measures_answered": 43},
    {"entity": "010000016", "year": 2023, "priority_measures_answered": 3, "measures": {"MP01": "oui", "MP02": "partiel", "MP43": "na"}}],
  "budget": [{"entity": "010000016", "year": 2024, "digital_share_pct": 2.8, "ssi_fte": 1.5}],
  "governance": {"referent": "Nom Prénom", "single_ad_team": true, "governance": true,
                 "convergence_validated_on": "2024-12-10", "already_converged": false}
}`

func TestParseIssueExample(t *testing.T) {
	f, err := Parse([]byte(issueExample))
	if err != nil {
		t.Fatal(err)
	}
	if f.GHT.Support != "010000016" || len(f.Entities) != 2 || f.Entities[1].Parent != "010000016" ||
		f.ADAudits[0].Level != 2 || f.ExposureAudits[0].Counts.High != 1 || *f.Budget[0].SSIFTE != 1.5 ||
		f.Governance.ConvergenceValidatedOn.String() != "2024-12-10" || f.Entities[0].Category != "public" {
		t.Fatalf("%+v", f)
	}
}

func TestRoundTrip(t *testing.T) {
	f, err := Parse(demo.GHTDossier())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(f, g) {
		t.Fatal("round trip changed the facts")
	}
}

func TestErrorsNamePathAndProblem(t *testing.T) {
	cases := []struct {
		name, edit, want string
	}{
		{"bad key", `"finess": "010000024", "kind": "EG"|"finess": "010000025", "kind": "EG"`, "entities[1].finess : 010000025 : clé de contrôle invalide"},
		{"unknown field", `"name": "Site A"|"name": "Site A", "nom": "x"`, "entities[1].nom : champ inconnu"},
		{"wrong type", `"level": 2|"level": "2"`, "ad_audits[0].level : attendu un entier, trouvé une chaîne"},
		{"level out of scale", `"level": 2|"level": 7`, "ad_audits[0].level : niveau 7 hors de l'échelle ANSSI 1 à 5"},
		{"bad date", `"date": "2024-07-15"|"date": "15/07/2024"`, "exposure_audits[0].date : date \"15/07/2024\" invalide"},
		{"unknown entity", `"entity": "010000016", "date": "2024-10-10"|"entity": "750712184", "date": "2024-10-10"`, "exercises[0].entity : l'entité 750712184 n'est pas déclarée"},
		{"action bad due", `"due": "2025-03-31"|"due": "31/03/2025"`, "exercises[0].actions[0].due : date \"31/03/2025\" invalide"},
		{"action bad status", `"status": "en_cours"|"status": "termine"`, "exercises[0].actions[0].status : statut \"termine\" inconnu"},
		{"action without title", `"title": "Procédures dégradées papier"|"title": " "`, "exercises[0].actions[0].title : champ obligatoire"},
		{"participant without role", `"role": "cadre de santé"|"role": ""`, "exercises[0].participants[1].role : champ obligatoire"},
		{"participant wrong type", `"direction": "direction générale"|"direction": 1`, "exercises[0].participants[0].direction : attendu une chaîne"},
		{"unknown measure", `"MP43": "na"|"MP44": "na"`, "osis[1].measures.MP44 : mesure prioritaire \"MP44\" absente du catalogue"},
		{"bad answer", `"MP02": "partiel"|"MP02": "peut-être"`, "osis[1].measures.MP02 : réponse \"peut-être\" invalide"},
		{"count disagrees", `"priority_measures_answered": 3|"priority_measures_answered": 4`, "osis[1].priority_measures_answered : nombre déclaré 4, mais 3 mesures renseignées"},
		{"answer not a string", `"MP01": "oui"|"MP01": true`, "osis[1].measures.MP01 : attendu une chaîne"},
		{"unknown directory", `"directory": "ad-chu"|"directory": "ad-x"`, "ad_audits[0].directory : annuaire \"ad-x\" non déclaré"},
		{"EG without parent", `"kind": "EG", "parent": "010000016", |"kind": "EG", `, "entities[1].parent : une EG doit indiquer son EJ"},
		{"bad kind", `"kind": "EJ"|"kind": "ET"`, "entities[0].kind : valeur \"ET\" invalide"},
		{"unknown source", `"source": "SILENE"|"source": "shodan"`, "exposure_audits[0].source : source \"shodan\" inconnue"},
		{"perimeter unknown", `"complete_perimeter": true,|`, "exposure_audits[0].complete_perimeter : champ obligatoire"},
		{"bad format", `"vigie-dossier/1"|"vigie-dossier/2"`, "format : version"},
		{"bad legal status", `"legal_status": "13"|"legal_status": "treize"`, "entities[0].legal_status : statut juridique"},
		{"syntax", `"wave": "D1-2024",|"wave": "D1-2024",,`, "JSON invalide ligne 3"},
		{"not a list", `"budget": [{"entity": "010000016", "year": 2024, "digital_share_pct": 2.8, "ssi_fte": 1.5}]|"budget": {}`, "budget : une liste est attendue"},
		{"negative share", `"digital_share_pct": 2.8|"digital_share_pct": -1`, "budget[0].digital_share_pct : pourcentage hors de 0–100"},
		{"points of a final level", `"level": 2, "source": "ADS"|"level": 2, "source": "ADS", "level_provisional": false, "level_provisional_points": ["vuln_a"]`,
			"ad_audits[0].level_provisional_points : 1 point non évalué donné alors que « level_provisional » vaut false"},
		{"bad point identifier", `"level": 2, "source": "ADS"|"level": 2, "source": "ADS", "level_provisional_points": ["vuln a"]`,
			"ad_audits[0].level_provisional_points[0] : identifiant de point de contrôle \"vuln a\" invalide"},
		{"point twice", `"level": 2, "source": "ADS"|"level": 2, "source": "ADS", "level_provisional_points": ["vuln_a", "vuln_a"]`,
			"ad_audits[0].level_provisional_points[1] : point \"vuln_a\" en double"},
		{"support not EJ", `"support": "010000016"|"support": "010000024"`, "ght.support : l'établissement support doit être une EJ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old, repl, _ := strings.Cut(c.edit, "|")
			if !strings.Contains(issueExample, old) {
				t.Fatalf("test edit %q does not apply", old)
			}
			_, err := Parse([]byte(strings.Replace(issueExample, old, repl, 1)))
			var pe *Error
			if err == nil || !errors.As(err, &pe) {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestLifecycleValidation(t *testing.T) {
	base := strings.TrimSuffix(strings.TrimSpace(issueExample), "}")
	for name, steps := range map[string]string{
		"out of order":        `[{"step": "declared", "date": "2025-01-01", "by": "x"}, {"step": "candidature_submitted", "date": "2025-02-01", "by": "x"}]`,
		"paid after not_met":  `[{"step": "attestation", "date": "2025-01-01", "by": "ANS", "outcome": "not_met"}, {"step": "paid", "date": "2025-02-01", "by": "x"}]`,
		"attestation outcome": `[{"step": "attestation", "date": "2025-01-01", "by": "ANS"}]`,
		"date goes back":      `[{"step": "candidature_submitted", "date": "2025-01-01", "by": "x"}, {"step": "candidature_validated", "date": "2024-01-01", "by": "x"}]`,
		"who recorded":        `[{"step": "candidature_submitted", "date": "2025-01-01"}]`,
	} {
		_, err := Parse([]byte(base + `, "dossier": {"steps": ` + steps + `}}`))
		if err == nil || !strings.Contains(err.Error(), "dossier.steps[") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestRejectsNonObjects(t *testing.T) {
	for _, in := range []string{"", "null", "[]", "42", `{"format": "vigie-dossier/1"} {}`, strings.Repeat("[", 10000)} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	// Seeds are compacted: large indented seeds make the fuzzer crawl.
	for _, seed := range [][]byte{[]byte(issueExample), demo.GHTDossier()} {
		var c bytes.Buffer
		if err := json.Compact(&c, seed); err != nil {
			f.Fatal(err)
		}
		f.Add(c.Bytes())
	}
	f.Add([]byte(`{"format": "vigie-dossier/1", "wave": "D1-2024", "entities": [{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		facts, err := Parse(b)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error without a path: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, facts); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("written dossier no longer parses: %v", err)
		}
		a, _ := json.Marshal(facts)
		c, _ := json.Marshal(again)
		if !bytes.Equal(a, c) {
			t.Fatalf("round trip differs:\n%s\n%s", a, c)
		}
	})
}
