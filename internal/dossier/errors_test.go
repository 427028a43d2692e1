package dossier

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/org"
)

// edit applies "old|new" replacements to the issue example.
func edit(t *testing.T, edits ...string) []byte {
	t.Helper()
	s := issueExample
	for _, e := range edits {
		old, repl, _ := strings.Cut(e, "|")
		if !strings.Contains(s, old) {
			t.Fatalf("test edit %q does not apply", old)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	return []byte(s)
}

// withDossier adds a "dossier" member to the issue example.
func withDossier(body string) []byte {
	return []byte(strings.TrimSuffix(strings.TrimSpace(issueExample), "}") + `, "dossier": ` + body + `}`)
}

// Each error kind names its JSON path, in French.
func TestInputErrorKinds(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"payment objective unknown", withDossier(`{"payments": [{"date": "2025-08-01", "amount_eur": 10, "objective": "D1.O9"}]}`), `dossier.payments[0].objective : objectif "D1.O9" absent du catalogue de la vague D1-2024`},
		{"payment objective in the zero spelling", withDossier(`{"payments": [{"date": "2025-08-01", "amount_eur": 10, "objective": "D1.07"}]}`), `dossier.payments[0].objective : objectif "D1.07" absent`},
		{"payment amount type", withDossier(`{"payments": [{"date": "2025-08-01", "amount_eur": "mille"}]}`), "dossier.payments[0].amount_eur : attendu un nombre, trouvé une chaîne"},
		{"second payment amount type", withDossier(`{"payments": [{"date": "2025-08-01", "amount_eur": 1}, {"date": "2025-08-02", "amount_eur": true}]}`), "dossier.payments[1].amount_eur : attendu un nombre, trouvé un booléen"},
		{"payment after a not met attestation", withDossier(`{"steps": [{"step": "attestation", "date": "2025-11-01", "by": "ANS", "outcome": "not_met"}], "payments": [{"date": "2025-11-02", "amount_eur": 10}]}`), "dossier.payments[0].date : paiement du 02/11/2025 après l'attestation « non atteint » du 01/11/2025 (dossier.steps[0])"},
		{"payment on the day of a not met attestation", withDossier(`{"steps": [{"step": "attestation", "date": "2025-11-01", "by": "ANS", "outcome": "not_met"}], "payments": [{"date": "2025-11-01", "amount_eur": 10}]}`), "dossier.payments[0].date : paiement du 01/11/2025 après l'attestation"},
		{"prerequisite unknown", edit(t, `"id": "PS2.1"|"id": "PS9.9"`), `prerequisites[0].id : prérequis "PS9.9" inconnu de la vague D1-2024 (attendu PS2.1 ou PS2.2)`},
		{"wave unknown", edit(t, `"wave": "D1-2024"|"wave": "D7-2030"`), `wave : vague "D7-2030" inconnue du catalogue`},
		{"no EJ", edit(t, `"kind": "EJ"|"kind": "EG", "parent": "010000024"`, `"kind": "EG", "parent": "010000016", |"kind": "EG", `, `"support": "010000016"|"support": "010000016", "code2": 1`), "entities : aucune entité juridique (EJ)"},
		{"two EJ outside a GHT", edit(t, `"ght": {"code": "ARA-99", "name": "GHT Exemple", "support": "010000016"},|`, `"kind": "EG", "parent": "010000016", |"kind": "EJ", `, `"governance": {|"governance_x": {`), "entities : 2 EJ hors GHT dans un même dossier (010000016 et 010000024)"},
		{"no support establishment", edit(t, `"support": "010000016"|"support": ""`), "ght.support : établissement support obligatoire"},
		{"type error inside a directory's list", edit(t, `"entities": ["010000016"]}]|"entities": ["010000016", 7]}]`), "directories[0].entities[1] : attendu une chaîne, trouvé un nombre"},
		{"unknown field inside counts", edit(t, `"low": 2}|"low": 2, "severe": 1}`), "exposure_audits[0].counts.severe : champ inconnu"},
		{"syntax in French", edit(t, `"wave": "D1-2024",|"wave": "D1-2024",,`), "JSON invalide ligne 3, colonne 21 : caractère « , » inattendu : une clé entre guillemets est attendue"},
		{"known code contradicts the declared category", edit(t, `"legal_status": "13"|"legal_status": "13", "category": "prive_lucratif"`), `entities[0].category : catégorie "prive_lucratif" contredite par entities[0].legal_status (statut juridique "13" : public)`},
		{"site category contradicts its EJ", edit(t, `"name": "Site A"|"name": "Site A", "category": "prive_non_lucratif"`), `entities[1].category : catégorie "prive_non_lucratif" de l'EG contredite par entities[0].legal_status`},
		{"budget on a private site", edit(t, `"legal_status": "13"|"legal_status": "72"`, `"budget": [{"entity": "010000016"|"budget": [{"entity": "010000024"`), "budget[0].entity : le budget se déclare sur l'EJ"},
		{"prerequisite on a site", edit(t, `"prerequisites": [{"entity": "010000016"|"prerequisites": [{"entity": "010000024"`), "prerequisites[0].entity : un prérequis se déclare pour une EJ"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			var pe *Error
			if err == nil || !errors.As(err, &pe) {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
			noEnglish(t, err.Error())
		})
	}
}

var englishWords = regexp.MustCompile(`(?i)\b(invalid|unexpected|cannot|unmarshal|field|expected|looking|character|value|file|not found|no such|permission|denied|EOF|error|json:)\b`)

func noEnglish(t *testing.T, msg string) {
	t.Helper()
	if m := englishWords.FindString(msg); m != "" {
		t.Errorf("English word %q in %q", m, msg)
	}
}

// A file with several errors reports all of them, each at its place, up
// to MaxErrors.
func TestAllErrorsReported(t *testing.T) {
	in := edit(t, `"level": 2|"level": 9`, `"source": "SILENE"|"source": "shodan"`, `"status": "en_cours"|"status": "fini"`,
		`"digital_share_pct": 2.8|"digital_share_pct": "beaucoup"`, `"kit": "intermediaire"|"kit": "expert"`)
	_, err := Parse(in)
	var all *Errors
	if !errors.As(err, &all) || len(all.List) != 5 || all.More != 0 {
		t.Fatalf("err = %v", err)
	}
	for i, want := range []string{"budget[0].digital_share_pct", "exercises[0].kit", "exercises[0].actions[0].status", "ad_audits[0].level", "exposure_audits[0].source"} {
		found := false
		for _, e := range all.List {
			found = found || e.Path == want
		}
		if !found {
			t.Errorf("error %d: no error at %s in %v", i, want, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "5 erreurs dans le dossier :\n  - ") {
		t.Errorf("message %q", err)
	}
	// Sixty bad audits: fifty listed, the rest counted.
	var audits []string
	for i := range 60 {
		audits = append(audits, fmt.Sprintf(`{"directory": "ad-chu", "date": "2024-07-%02d", "level": 0, "source": "ADS"}`, i%28+1))
	}
	in = edit(t, `"ad_audits": [{"directory": "ad-chu", "date": "2024-07-01", "level": 2, "source": "ADS"}]|"ad_audits": [`+strings.Join(audits, ",")+`]`)
	_, err = Parse(in)
	if !errors.As(err, &all) || len(all.List) != MaxErrors || all.More < 10 || !strings.Contains(err.Error(), "… et ") {
		t.Fatalf("60 errors: %d listed, %d more", len(all.List), all.More)
	}
}

// Categories: an unknown legal-status code takes the declared category;
// with neither, the category is unknown (never private).
func TestCategories(t *testing.T) {
	cases := []struct {
		status, declared string
		want             org.Category
	}{
		{"13", "", org.Public},
		{"13", "public", org.Public},
		{"66", "prive_non_lucratif", org.NonProfit},
		{"66", "", org.Unknown},
		{"", "prive_lucratif", org.ForProfit},
		{"", "", org.Unknown},
	}
	for _, c := range cases {
		t.Run(c.status+"/"+c.declared, func(t *testing.T) {
			repl := `"legal_status": "` + c.status + `"`
			if c.declared != "" {
				repl += `, "category": "` + c.declared + `"`
			}
			f, err := Parse(edit(t, `"legal_status": "13"|`+repl))
			if err != nil {
				t.Fatal(err)
			}
			if f.Entities[0].Category != c.want || f.Entities[1].Category != c.want {
				t.Errorf("categories %q %q, want %q", f.Entities[0].Category, f.Entities[1].Category, c.want)
			}
		})
	}
}

// Repeated records: same date and different values is an error naming both
// paths; identical ones are kept once; different dates are all kept.
func TestRepeatedRecords(t *testing.T) {
	budget := `"budget": [{"entity": "010000016", "year": 2024, "digital_share_pct": 2.8, "ssi_fte": 1.5}]`
	cases := []struct {
		name, repl, want string
		n                int
	}{
		{"same date, other value", `"budget": [{"entity": "010000016", "year": 2024, "date": "2024-12-01", "digital_share_pct": 2.8, "ssi_fte": 1.5}, {"entity": "010000016", "year": 2024, "date": "2024-12-01", "digital_share_pct": 3, "ssi_fte": 1.5}]`,
			"budget[1] : budget contredit budget[0] : budget 2024 de 010000016 du 01/12/2024, valeurs différentes", 0},
		{"both undated, other value", `"budget": [{"entity": "010000016", "year": 2024, "digital_share_pct": 2.8}, {"entity": "010000016", "year": 2024, "digital_share_pct": 2.9}]`,
			"budget[1] : budget contredit budget[0] : budget 2024 de 010000016 sans date", 0},
		{"a site of the public EJ, same date", `"budget": [{"entity": "010000016", "year": 2024, "date": "2024-12-01", "ssi_fte": 1}, {"entity": "010000024", "year": 2024, "date": "2024-12-01", "ssi_fte": 2}]`,
			"budget[1] : budget contredit budget[0]", 0},
		{"identical: kept once", `"budget": [{"entity": "010000016", "year": 2024, "date": "2024-12-01", "ssi_fte": 1}, {"entity": "010000016", "year": 2024, "date": "2024-12-01", "ssi_fte": 1}]`, "", 1},
		{"other dates: both kept", `"budget": [{"entity": "010000016", "year": 2024, "date": "2024-12-01", "ssi_fte": 1}, {"entity": "010000016", "year": 2024, "date": "2024-11-01", "ssi_fte": 2}]`, "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(edit(t, budget+"|"+c.repl))
			switch {
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("err = %v, want %q", err, c.want)
			case c.want == "" && err != nil:
				t.Fatal(err)
			case c.want == "" && len(f.Budget) != c.n:
				t.Errorf("%d budget records, want %d", len(f.Budget), c.n)
			}
		})
	}
	for name, repl := range map[string]string{
		"prerequisite": `"prerequisites": [{"entity": "010000016", "id": "PS2.1", "met": true, "date": "2024-03-01"}, {"entity": "010000016", "id": "PS2.1", "met": false, "date": "2024-03-01"}]|prerequisites[1] : prérequis contredit prerequisites[0]`,
		"oSIS":         `"osis": [{"entity": "010000016", "year": 2024, "date": "2024-05-01", "budget_share": true}, {"entity": "010000016", "year": 2024, "date": "2024-05-01", "budget_share": false}]|osis[1] : saisie oSIS contredit osis[0]`,
		"governance":   `"governance": [{"date": "2024-10-01", "referent": "A"}, {"date": "2024-10-01", "referent": "B"}]|governance[1] : gouvernance contredit governance[0]`,
	} {
		t.Run(name, func(t *testing.T) {
			repl, want, _ := strings.Cut(repl, "|")
			key := repl[:strings.Index(repl, ":")+1]
			start := strings.Index(issueExample, key)
			end := strings.Index(issueExample[start:], "]") + start + 1
			if key == `"governance":` {
				end = strings.Index(issueExample[start:], "}") + start + 1
			}
			in := issueExample[:start] + repl + issueExample[end:]
			if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want %q", err, want)
			}
		})
	}
}

// A governance list gives the latest record and the history, whatever the
// order, and survives Write then Parse.
func TestGovernanceList(t *testing.T) {
	in := edit(t, `"governance": {"referent": "Nom Prénom", "single_ad_team": true, "governance": true,
                 "convergence_validated_on": "2024-12-10", "already_converged": false}|"governance": [{"date": "2025-02-01", "referent": "B", "single_ad_team": true}, {"date": "2024-09-01", "referent": "A"}]`)
	f, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if f.Governance.Referent != "B" || len(f.GovernanceHistory) != 1 || f.GovernanceHistory[0].Referent != "A" {
		t.Fatalf("governance %+v history %+v", f.Governance, f.GovernanceHistory)
	}
	var buf strings.Builder
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := Parse([]byte(buf.String()))
	if err != nil || g.Governance.Referent != "B" || len(g.GovernanceHistory) != 1 {
		t.Fatalf("re-read: %v %+v", err, g)
	}
}

// A user catalogue may add a wave the embedded one does not know.
func TestParseWithCatalogue(t *testing.T) {
	c, err := care.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	w := c.Waves[0]
	w.ID = "D1-BIS"
	c.Waves = append(c.Waves, w)
	in := edit(t, `"wave": "D1-2024"|"wave": "D1-BIS"`)
	if _, err := Parse(in); err == nil {
		t.Fatal("unknown wave accepted with the embedded catalogue")
	}
	if _, err := ParseWith(in, Options{Catalogue: c}); err != nil {
		t.Fatal(err)
	}
}
