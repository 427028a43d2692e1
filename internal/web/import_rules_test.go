package web

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/demo"
	"vigie/internal/dossier"
)

// importFacts uploads facts as a dossier file with the account's session.
func (c *client) importFacts(f *care.Facts) (*http.Response, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	if err := dossier.Write(&buf, f); err != nil {
		c.e.t.Fatal(err)
	}
	_, page := c.get("/import")
	return c.upload(csrfOf(c.e.t, page), &buf)
}

func demoFile(t *testing.T) *care.Facts {
	t.Helper()
	f, err := dossier.Read(bytes.NewReader(demo.GHTDossier()))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestImportObeysRoles: through an import, a GHT referent may record only
// what its forms let it record (the same rule); the refusal names every
// path and nothing is written.
func TestImportObeysRoles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	stored, err := e.st.LoadFacts(ctx, "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	f := demoFile(t)
	f.Dossier.Steps = append(f.Dossier.Steps,
		care.Step{Step: "declared", Date: civil.MustParse("2025-06-01"), By: "référent"},
		care.Step{Step: "instructed", Date: civil.MustParse("2025-06-10"), By: "ARS (faux)"},
		care.Step{Step: "controlled", Date: civil.MustParse("2025-06-11"), By: "ANS (faux)"},
		care.Step{Step: "attestation", Date: civil.MustParse("2025-06-12"), By: "ANS (faux)", Outcome: "met"})
	f.Dossier.Payments = append(f.Dossier.Payments, care.Payment{Date: civil.MustParse("2025-06-13"), AmountEUR: 999999})
	f.Dossier.CeilingEUR = 5_000_000
	f.GHT.Region = "Île-de-France"
	f.GHT.Support = f.Entities[3].FINESS
	f.Entities[0].Name = "CH de Valmont (renommé)"
	ref := e.login("referent-ght")
	resp, body := ref.importFacts(f)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("import of ARS/ANS values by the GHT referent: %d\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"dossier.steps[3]", "dossier.steps[4]", "dossier.steps[5]", "dossier.payments[0]",
		"dossier.ceiling_eur", "ght.region", "ght.support"} {
		if !strings.Contains(body, "<code>"+want+"</code>") {
			t.Errorf("refusal does not name %s", want)
		}
	}
	for _, allowed := range []string{"dossier.steps[2]", "entities[0]"} {
		if strings.Contains(body, "<code>"+allowed) {
			t.Errorf("refusal names %s, which the GHT referent may record", allowed)
		}
	}
	after, err := e.st.LoadFacts(ctx, "CVL-99")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, after) {
		t.Error("a refused import changed the dossier")
	}

	// What the referent may record by hand goes through: its step and a name.
	ok := demoFile(t)
	ok.Dossier.Steps = append(ok.Dossier.Steps, care.Step{Step: "declared", Date: civil.MustParse("2025-06-01"), By: "référent"})
	ok.Entities[0].Name = "CH de Valmont (renommé)"
	if resp, body := ref.importFacts(ok); resp.StatusCode != http.StatusOK {
		t.Fatalf("allowed import: %d\n%s", resp.StatusCode, body)
	}
	// Re-importing the same file (with the ARS's steps in it) stays possible.
	if resp, _ := ref.importFacts(ok); resp.StatusCode != http.StatusOK {
		t.Fatalf("re-import of unchanged values: %d", resp.StatusCode)
	}
	// The administrator may record everything.
	if resp, body := e.login("admin").importFacts(f); resp.StatusCode != http.StatusOK {
		t.Fatalf("admin import: %d\n%s", resp.StatusCode, body)
	}
}

// TestImportObeysRolesEstablishment: an establishment outside a GHT may
// add its records but neither rename its entities nor add new ones.
func TestImportObeysRolesEstablishment(t *testing.T) {
	e := newEnv(t)
	c := e.login("rssi-clinique")
	f := privateFacts(t)
	f.Exercises = append(f.Exercises, exerciseFor("750000028", "2025-05-20"))
	if resp, body := c.importFacts(&f); resp.StatusCode != http.StatusOK {
		t.Fatalf("own records: %d\n%s", resp.StatusCode, body)
	}
	f.Entities[0].Name = "Autre nom"
	f.Entities[1].Region = "Bretagne"
	resp, body := c.importFacts(&f)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "<code>entities[0].name</code>") ||
		!strings.Contains(body, "<code>entities[1].region</code>") {
		t.Fatalf("rename by an establishment: %d\n%s", resp.StatusCode, body)
	}
}
