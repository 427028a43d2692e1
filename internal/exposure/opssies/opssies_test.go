package opssies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/internal/exposure"
	"vigie/internal/org"
	"vigie/internal/testenv"
)

// readShared reads an official OPSSIES file from ../shared (cross-checks:
// skipped on a clone of the project alone, required under CI).
func readShared(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(testenv.SharedFile(t, "formats/opssies/"+name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Fixtures written for the tests (testdata/): a provider's CaRE D1 file and a
// SILENE file holding an ADS event and an exposure event.
const (
	fixtureCareD1 = "care-d1-prestataire.json"
	fixtureSILENE = "silene-ad-et-exposition.json"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ownSchema is the project's own description of the CaRE D1 profile.
const ownSchema = "../../../docs/opssies-care-d1.schema.json"

// validateOwn checks a document against the project's own schema.
func validateOwn(t *testing.T, data []byte) error {
	t.Helper()
	raw, err := os.ReadFile(ownSchema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", ownSchema, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///vigie/opssies-care-d1.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///vigie/opssies-care-d1.json")
	if err != nil {
		t.Fatalf("compile %s: %v", ownSchema, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

const rawSchema = "ng-msp-opssies-schema-multi-refs-v13-raw.json"

// compileSchema compiles the shared schema file name at the JSON pointer ptr
// ("" for the whole document).
func compileSchema(t *testing.T, name, ptr string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(readShared(t, name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	url := "file:///opssies/" + name
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	sch, err := c.Compile(url + "#" + ptr)
	if err != nil {
		t.Fatalf("compile %s#%s: %v", name, ptr, err)
	}
	return sch
}

// codeFields maps each coded field of a CaRE D1 file to the reference list
// (definitions) of the official raw schema that constrains it.
var codeFields = map[string]string{
	"eventType": "eventType", "eventAnalysisType": "eventAnalysisType", "dateType": "dateType",
	"stakeholderType": "stakeholderType", "stakeholderIdType": "stakeholderIdType",
	"stakeholderNameType": "stakeholderNameType", "stakeholderRoleType": "stakeholderRoleType",
	"tlp": "tlp", "functionalContextCategory": "functionalContextCategory",
}

// validate checks a CaRE D1 document against the official files: the whole
// document against schema-d1.json, and every coded value against the
// reference lists (enums) of the raw OPSSIES v13 schema. The raw schema's own
// document-level shape is a positional snapshot of the multi-event example
// (its event[0] is an AD audit) and rejects even the official CaRE D1
// example, so only its reference lists apply to a D1 file.
func validate(t *testing.T, data []byte) []error {
	t.Helper()
	var errs []error
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t, "schema-d1.json", "").Validate(inst); err != nil {
		errs = append(errs, err)
	}
	schemas := map[string]*jsonschema.Schema{}
	for field, def := range codeFields {
		schemas[field] = compileSchema(t, rawSchema, "/definitions/"+def)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if sch, ok := schemas[k]; ok {
					if err := sch.Validate(c); err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", k, err))
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(inst)
	return errs
}

func TestOwnSchemaOnFixtures(t *testing.T) {
	for _, name := range []string{fixtureCareD1, fixtureSILENE} {
		doc := readFixture(t, name)
		if err := validateOwn(t, doc); err != nil {
			t.Errorf("%s rejected by the project's schema: %v", name, err)
		}
		for _, bad := range []struct{ from, to string }{
			{`"amber"`, `"pink"`},
			{`"eventType": `, `"eventType": 99, "x": `},
			{`"stakeholderRoleType": 4`, `"stakeholderRoleType": 9`},
			{`"level": 1`, `"level": "1"`},
			{`"dateType": 7`, `"dateType": 7.5`},
			{`"__text": "2025`, `"__text": "2025-`},
			{`"AS64500"`, `"64500"`},
		} {
			if !bytes.Contains(doc, []byte(bad.from)) {
				continue
			}
			mut := bytes.Replace(doc, []byte(bad.from), []byte(bad.to), 1)
			if err := validateOwn(t, mut); err == nil {
				t.Errorf("%s: the project's schema accepted %s → %s", name, bad.from, bad.to)
			}
		}
	}
}

// The project's schema accepts the official examples (cross-check).
func TestOwnSchemaOnOfficialExamples(t *testing.T) {
	for _, name := range []string{"ng-msp-opssies-instance-care_d1-v13.json", "ng-msp-opssies-instance-cert_sante-v13.json"} {
		if err := validateOwn(t, readShared(t, name)); err != nil {
			t.Errorf("official %s rejected by the project's schema: %v", name, err)
		}
	}
}

func TestValidatorOnOfficialExample(t *testing.T) {
	ex := readShared(t, "ng-msp-opssies-instance-care_d1-v13.json")
	// The example uses two codes newer than the v13 lists (name type 6 for a
	// GHT name, functional context 73): only those may be reported.
	for _, err := range validate(t, ex) {
		if !strings.HasPrefix(err.Error(), "stakeholderNameType:") && !strings.HasPrefix(err.Error(), "functionalContextCategory:") {
			t.Errorf("official example rejected by the harness: %v", err)
		}
	}
	for _, bad := range []struct{ from, to string }{
		{`"amber"`, `"pink"`},
		{`"eventType": 29`, `"eventType": 99`},
		{`"stakeholderRoleType": 4`, `"stakeholderRoleType": 9`},
		{`"level": 1`, `"level": "1"`},
		{`"dateType": 7`, `"dateType": 7.5`},
	} {
		doc := bytes.Replace(ex, []byte(bad.from), []byte(bad.to), 1)
		if errs := validate(t, doc); len(errs) == 0 {
			t.Errorf("harness accepted %s → %s", bad.from, bad.to)
		}
	}
}

func sampleAudit() *exposure.Audit {
	return &exposure.Audit{
		StartedAt:  time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 3, 2, 13, 17, 42, 0, time.UTC),
		Complete:   true,
		Perimeter: exposure.Perimeter{
			Domains:  []string{"chu-exemple.fr", "Portail.CHU-exemple.fr."},
			Hosts:    []string{"192.0.2.10", "vpn.chu-exemple.fr"},
			Networks: []string{"198.51.100.0/24", "2001:db8::/48", "203.0.113.7"},
			ASNs:     []exposure.ASN{{Number: 64500, Prefixes: []string{"198.51.100.0/24"}}},
		},
		Findings: []exposure.Finding{
			{ID: "tls-self-signed", Host: "192.0.2.10", Port: 443, Severity: exposure.Low},
			{ID: "redis-exposed", Host: "192.0.2.10", Port: 6379, Severity: exposure.High},
		},
	}
}

func params() Params {
	return Params{ProviderSIREN: "732829320", ProviderName: "Audit Santé SAS", Entity: "750712184", EntityName: "AP-HP"}
}

func TestWriteValidatesAgainstOfficialSchemas(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleAudit(), params()); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if errs := validate(t, buf.Bytes()); len(errs) > 0 {
		t.Errorf("output rejected by the official schemas: %v", errs)
	}
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleAudit(), params()); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := validateOwn(t, buf.Bytes()); err != nil {
		t.Errorf("output rejected by the project's schema: %v", err)
	}

	var doc Document
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	e := doc.Events.Event[0]
	if e.EventType != 29 || e.EventAnalysisType != 5 || e.TLP != "amber" {
		t.Errorf("codes %d %d %s", e.EventType, e.EventAnalysisType, e.TLP)
	}
	if len(e.Dates) != 1 || e.Dates[0].Type != 7 || e.Dates[0].Value != "20260302-141742" {
		t.Errorf("dates %+v (want Paris local time of the end of scan)", e.Dates)
	}
	if e.Outcome.Level != 2 {
		t.Errorf("level %d, want 2 (no critical, one high)", e.Outcome.Level)
	}
	sc := e.Scopes[0]
	want := Scope{
		FunctionalContexts:      sc.FunctionalContexts,
		Domains:                 []string{"chu-exemple.fr", "portail.chu-exemple.fr", "vpn.chu-exemple.fr"},
		SubnetIPv4s:             []string{"192.0.2.10/32", "198.51.100.0/24", "203.0.113.7/32"},
		SubnetIPv6s:             []string{"2001:db8::/48"},
		AutonomousSystemNumbers: []string{"AS64500"},
	}
	gotJ, _ := json.Marshal(sc)
	wantJ, _ := json.Marshal(want)
	if !bytes.Equal(gotJ, wantJ) {
		t.Errorf("scope\n got %s\nwant %s", gotJ, wantJ)
	}
	roles := map[int]Stakeholder{}
	for _, s := range doc.Events.Stakeholders {
		roles[s.Role] = s
	}
	if roles[RoleProvider].ID != (Identifier{IDSIREN, "732829320"}) || roles[RoleProvider].Type != TypeThirdParty {
		t.Errorf("provider %+v", roles[RoleProvider])
	}
	if roles[RoleRequester].ID != (Identifier{IDFINESSLegal, "750712184"}) {
		t.Errorf("requester %+v", roles[RoleRequester])
	}
	if roles[RoleAuditor].Names[0].Value != "ANS" {
		t.Errorf("auditor %+v", roles[RoleAuditor])
	}
	rec := e.Stakeholders[0]
	if rec.Role != RoleRecipient || rec.IDs[0] != (Identifier{IDFINESSLegal, "750712184"}) {
		t.Errorf("recipient %+v", rec)
	}
}

// paths lists the object key paths of a JSON document, array indices dropped.
func paths(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				out[p+"."+k] = true
				walk(p+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(p+"[]", c)
			}
		}
	}
	walk("", v)
	return out
}

func TestWriteFollowsExampleStructure(t *testing.T) {
	checkSameStructure(t, readFixture(t, fixtureCareD1))
}

func TestWriteFollowsOfficialExampleStructure(t *testing.T) {
	checkSameStructure(t, readShared(t, "ng-msp-opssies-instance-care_d1-v13.json"))
}

// checkSameStructure compares the key paths of our output with an example's.
func checkSameStructure(t *testing.T, exampleDoc []byte) {
	t.Helper()
	example := paths(t, exampleDoc)
	var buf bytes.Buffer
	if err := Write(&buf, sampleAudit(), params()); err != nil {
		t.Fatal(err)
	}
	ours := paths(t, buf.Bytes())
	var extra, missing []string
	for p := range ours {
		if !example[p] {
			extra = append(extra, p)
		}
	}
	for p := range example {
		if !ours[p] && !strings.Contains(p, "technicalContexts") {
			missing = append(missing, p)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra) > 0 {
		t.Errorf("fields absent from the official example: %v", extra)
	}
	if len(missing) > 0 {
		t.Errorf("example fields we do not write: %v", missing)
	}
}

func TestLevels(t *testing.T) {
	lt, err := Levels()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		s    exposure.Summary
		want int
	}{
		{exposure.Summary{}, 1},
		{exposure.Summary{Medium: 4, Low: 9, Info: 30}, 1},
		{exposure.Summary{High: 1}, 2},
		{exposure.Summary{Critical: 1}, 3},
		{exposure.Summary{Critical: 2, High: 5}, 3},
	}
	for _, c := range cases {
		if got := lt.Level(c.s).Level; got != c.want {
			t.Errorf("%+v: level %d want %d", c.s, got, c.want)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	a := sampleAudit()
	cases := []struct {
		mod  func(*exposure.Audit, *Params)
		want string
	}{
		{func(_ *exposure.Audit, p *Params) { p.ProviderSIREN = "732829321" }, "SIREN"},
		{func(_ *exposure.Audit, p *Params) { p.ProviderSIREN = "73282932" }, "9 chiffres"},
		{func(_ *exposure.Audit, p *Params) { p.Entity = "750712185" }, "FINESS"},
		{func(_ *exposure.Audit, p *Params) { p.EntityKind = "GHT" }, "EJ ou EG"},
		{func(a *exposure.Audit, _ *Params) { a.Complete = false }, "incomplet"},
		{func(a *exposure.Audit, _ *Params) { a.FinishedAt = time.Time{} }, "date de fin"},
		{func(a *exposure.Audit, _ *Params) { a.Perimeter = exposure.Perimeter{} }, "périmètre vide"},
		{func(a *exposure.Audit, _ *Params) { a.Perimeter.Networks = []string{"10.0.0.0/33"} }, "CIDR"},
	}
	for i, c := range cases {
		aa := *a
		p := params()
		c.mod(&aa, &p)
		_, err := Build(&aa, p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want %q", i, err, c.want)
		}
	}
	// Corsica FINESS and EG kind are accepted.
	key, err := org.LuhnKey("2A000009")
	if err != nil {
		t.Fatal(err)
	}
	p := params()
	p.Entity, p.EntityKind = "2a 000009"+string(key), "EG"
	doc, err := Build(a, p)
	if err != nil {
		t.Fatalf("Corsican EG rejected: %v", err)
	}
	if id := doc.Events.Event[0].Stakeholders[0].IDs[0]; id.Type != IDFINESSGeo || id.Value != "2A000009"+string(key) {
		t.Errorf("EG written as %+v", id)
	}
	for _, s := range doc.Events.Stakeholders {
		if s.Role == RoleRequester {
			t.Error("requester invented for an EG without --requester")
		}
	}
}

func TestSIREN(t *testing.T) {
	for _, ok := range []string{"732829320", "552 100 554", "187512751"} {
		if _, err := ParseSIREN(ok); err != nil {
			t.Errorf("%s rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"732829321", "12345678", "1234567890", "73282932A", ""} {
		if _, err := ParseSIREN(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFileName(t *testing.T) {
	got := FileName("Audit Santé SAS", time.Date(2026, 3, 2, 14, 4, 5, 0, time.UTC))
	if got != "AUDITSANTESAS-D1-20260302-150405.json" {
		t.Errorf("FileName = %s", got)
	}
}

func TestReadFixtures(t *testing.T) {
	ss, err := Parse(readFixture(t, fixtureCareD1))
	if err != nil {
		t.Fatalf("care_d1 fixture: %v", err)
	}
	if len(ss) != 1 || ss[0].Source != "prestataire" || ss[0].Entities[0] != "010000024" || ss[0].Level != 1 || len(ss[0].Domains) != 3 || !ss[0].CompletePerimeter {
		t.Errorf("care_d1 summary %+v", ss)
	}
	if ss[0].Date.Format(DateLayout) != "20250304-101500" || ss[0].Provider != "732829320" {
		t.Errorf("date %v provider %q", ss[0].Date, ss[0].Provider)
	}
	if ss[0].NoCritical == nil || !*ss[0].NoCritical || ss[0].Counts != nil {
		t.Errorf("level 1 of a provider file should imply no critical, counts unknown: %+v", ss[0])
	}
	ss, err = Parse(readFixture(t, fixtureSILENE))
	if err != nil {
		t.Fatalf("SILENE fixture: %v", err)
	}
	if len(ss) != 1 || ss[0].Source != "SILENE" || ss[0].Entities[0] != "010000024" || ss[0].NoCritical != nil || ss[0].Date.Format(DateLayout) != "20250203-170512" {
		t.Errorf("SILENE summary (the ADS event must be skipped) %+v", ss)
	}
}

func TestReadExamples(t *testing.T) {
	ss, err := Parse(readShared(t, "ng-msp-opssies-instance-care_d1-v13.json"))
	if err != nil {
		t.Fatalf("care_d1 example: %v", err)
	}
	if len(ss) != 1 || ss[0].Source != "prestataire" || ss[0].Entities[0] != "000000001" || ss[0].Level != 1 || len(ss[0].Domains) != 3 || !ss[0].CompletePerimeter {
		t.Errorf("care_d1 summary %+v", ss)
	}
	if ss[0].Date.Format(DateLayout) != "20240115-141742" || ss[0].Provider != "identifiant_siren_ex_industriel" {
		t.Errorf("date %v provider %q", ss[0].Date, ss[0].Provider)
	}
	if ss[0].NoCritical == nil || !*ss[0].NoCritical || ss[0].Counts != nil {
		t.Errorf("level 1 of a provider file should imply no critical, counts unknown: %+v", ss[0])
	}
	ss, err = Parse(readShared(t, "ng-msp-opssies-instance-cert_sante-v13.json"))
	if err != nil {
		t.Fatalf("cert_sante example: %v", err)
	}
	if len(ss) != 1 || ss[0].Source != "SILENE" || ss[0].Entities[0] != "930100037" || ss[0].NoCritical != nil {
		t.Errorf("cert_sante summary (the ADS event must be skipped) %+v", ss)
	}
}

func TestRoundTrip(t *testing.T) {
	a := sampleAudit()
	a.Findings = append(a.Findings, exposure.Finding{ID: "rdp-exposed", Host: "192.0.2.10", Port: 3389, Severity: exposure.Critical})
	var buf bytes.Buffer
	if err := Write(&buf, a, params()); err != nil {
		t.Fatal(err)
	}
	ss, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if !s.Date.Equal(a.FinishedAt) || s.Level != 3 || s.NoCritical == nil || *s.NoCritical || s.Provider != "732829320" || s.Entities[0] != "750712184" {
		t.Errorf("round trip %+v", s)
	}
}

func TestReadErrorsNamePath(t *testing.T) {
	base := string(readFixture(t, fixtureCareD1))
	cases := map[string]string{
		strings.Replace(base, `"20250304-101500"`, `"2025-03-04"`, 1):                    "events.event[0].dates[0].__text",
		strings.Replace(base, `"dateType": 7`, `"dateType": 4`, 1):                       "dateType 7",
		strings.Replace(base, `"level": 1`, `"level": "un"`, 1):                          "events.event[0].outcome.level",
		strings.Replace(base, `"__text": "010000024"`, `"__text": "12345"`, 2):           "events.event[0].stakeholders[0].stakeholderId[0].__text",
		strings.Replace(base, `"stakeholderRoleType": 4`, `"stakeholderRoleType": 1`, 1): "aucune entité",
		strings.Replace(base, `"eventType": 29`, `"eventType": 27`, 1):                   "aucun événement",
		strings.Replace(base, `"domains": [`, `"domains": [3,`, 1):                       "events.event[0].scopes[0].domains[0]",
		strings.Replace(base, `"tlp": "amber"`, `"tlp": "orange"`, 1):                    "events.event[0].tlp",
		`{"events": []}`:        "events : attendu un objet",
		`{"evenements": {}}`:    "events : champ obligatoire manquant",
		"{\n\"events\": {\n,}}": "ligne 3",
		``:                      "vide",
	}
	for doc, want := range cases {
		_, err := Parse([]byte(doc))
		if err == nil {
			t.Errorf("accepted (want %q)", want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q should contain %q", err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	// Seeds are the test fixtures, compacted (the fuzzer stalls on indented
	// multi-kilobyte documents).
	for _, name := range []string{fixtureCareD1, fixtureSILENE} {
		var c bytes.Buffer
		if err := json.Compact(&c, readFixture(f, name)); err != nil {
			f.Fatal(err)
		}
		f.Add(c.Bytes())
	}
	f.Add([]byte(`{"events":{"event":[{"eventType":29,"stakeholders":[{"stakeholderRoleType":4,"stakeholderId":{"stakeholderIdType":3,"__text":"750712184"}}],"dates":[{"dateType":7,"__text":"20240101-000000"}],"outcome":{"level":1}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, s := range ss {
			if len(s.Entities) == 0 || s.Date.IsZero() || s.Source == "" {
				t.Fatalf("incomplete summary accepted: %+v", s)
			}
		}
	})
}

func BenchmarkParseExample(b *testing.B) {
	data := readFixture(b, fixtureSILENE)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	a := sampleAudit()
	p := params()
	for b.Loop() {
		if err := Write(io.Discard, a, p); err != nil {
			b.Fatal(err)
		}
	}
}
