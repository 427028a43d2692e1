package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/internal/exposure"
	"vigie/internal/exposure/probe"
)

func mustDefault(t *testing.T) *Policy {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return p
}

func TestDefaultCoversEveryProbeClass(t *testing.T) {
	p := mustDefault(t)
	for _, c := range exposure.Classes {
		r, ok := p.Rule(c)
		if !ok {
			t.Errorf("class %q emitted by probes has no rule in default.json", c)
			continue
		}
		if r.Title == "" || r.Remediation == "" {
			t.Errorf("rule %q lacks a French title or remediation", c)
		}
	}
}

func TestReferenceSeverities(t *testing.T) {
	p := mustDefault(t)
	want := map[string]exposure.Severity{
		exposure.ClassRDPExposed:       exposure.Critical,
		exposure.ClassSMBExposed:       exposure.Critical,
		exposure.ClassTelnetExposed:    exposure.Critical,
		exposure.ClassVNCExposed:       exposure.Critical,
		exposure.ClassRedisNoAuth:      exposure.Critical,
		exposure.ClassMongoNoAuth:      exposure.Critical,
		exposure.ClassElasticNoAuth:    exposure.Critical,
		exposure.ClassPostgresTrust:    exposure.Critical,
		exposure.ClassMySQLNoPassword:  exposure.Critical,
		exposure.ClassDICOMExposed:     exposure.Critical,
		exposure.ClassHL7MLLP:          exposure.Critical,
		exposure.ClassRedisExposed:     exposure.High,
		exposure.ClassMySQLExposed:     exposure.High,
		exposure.ClassPostgresExposed:  exposure.High,
		exposure.ClassMSSQLExposed:     exposure.High,
		exposure.ClassTLSSelfSigned:    exposure.Low,
		exposure.ClassTLSProtocolOld:   exposure.Medium,
		exposure.ClassTLSCertExpired:   exposure.Medium,
		exposure.ClassTLSNameMismatch:  exposure.Low,
		exposure.ClassServiceVersion:   exposure.Info,
		exposure.ClassHTTPExposed:      exposure.Info,
		exposure.ClassTLSWeakSignature: exposure.Low,
		// An Active Directory or patient data reachable by anyone is critical.
		exposure.ClassADExposed:         exposure.Critical,
		exposure.ClassKerberosExposed:   exposure.Critical,
		exposure.ClassPACSAnonymous:     exposure.Critical,
		exposure.ClassDICOMwebAnonymous: exposure.Critical,
		exposure.ClassFHIRAnonymous:     exposure.Critical,
		exposure.ClassPACSWebExposed:    exposure.High,
		exposure.ClassFHIRExposed:       exposure.High,
		exposure.ClassLDAPExposed:       exposure.High,
		exposure.ClassMSRPCExposed:      exposure.High,
		exposure.ClassWinRMExposed:      exposure.High,
		exposure.ClassServiceUnknown:    exposure.Info,
	}
	for class, sev := range want {
		obs := []exposure.Observation{{Class: class, Host: "192.0.2.1", Port: 1, Confidence: exposure.Confirmed}}
		fs := p.Judge(obs)
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings, want 1", class, len(fs))
		}
		if fs[0].Severity != sev {
			t.Errorf("%s: severity %s, want %s", class, fs[0].Severity, sev)
		}
		if fs[0].ID != class || fs[0].Confidence != exposure.Confirmed {
			t.Errorf("%s: id %q confidence %q", class, fs[0].ID, fs[0].Confidence)
		}
	}
	// TLS hygiene never exceeds medium.
	for _, r := range p.Rules {
		if strings.HasPrefix(r.ID, "tls-") && r.Severity.Rank() < exposure.Medium.Rank() {
			t.Errorf("TLS rule %s is %s, TLS hygiene must stay low or medium", r.ID, r.Severity)
		}
	}
}

func TestInferredNeverCritical(t *testing.T) {
	p := mustDefault(t)
	fs := p.Judge([]exposure.Observation{
		{Class: exposure.ClassRDPExposed, Host: "192.0.2.1", Port: 3389, Confidence: exposure.Inferred, Evidence: "port 3389 ouvert"},
		{Class: exposure.ClassSMBExposed, Host: "192.0.2.1", Port: 445}, // empty confidence = inferred
		{Class: exposure.ClassTLSSelfSigned, Host: "192.0.2.1", Port: 443, Confidence: exposure.Inferred},
	})
	if len(fs) != 3 {
		t.Fatalf("got %d findings", len(fs))
	}
	for _, f := range fs {
		if f.Severity == exposure.Critical {
			t.Errorf("%s inferred became critical", f.ID)
		}
		if f.Confidence != exposure.Inferred {
			t.Errorf("%s confidence %q", f.ID, f.Confidence)
		}
	}
	// A low rule is not raised by the cap.
	for _, f := range fs {
		if f.ID == exposure.ClassTLSSelfSigned && f.Severity != exposure.Low {
			t.Errorf("self-signed inferred: %s, want low", f.Severity)
		}
		if f.ID == exposure.ClassRDPExposed && f.Severity != p.InferredCap.Severity {
			t.Errorf("RDP inferred: %s, want cap %s", f.Severity, p.InferredCap.Severity)
		}
	}
}

func TestUnknownClassKeptAsInfo(t *testing.T) {
	p := mustDefault(t)
	fs := p.Judge([]exposure.Observation{{Class: "Quantum Flux!", Host: "h", Port: 9, Confidence: exposure.Confirmed, Evidence: "x"}})
	if len(fs) != 1 {
		t.Fatalf("unknown class dropped: %v", fs)
	}
	f := fs[0]
	if f.Severity != exposure.Info || !strings.Contains(f.Title, "Quantum Flux!") || f.ID != "unknown-quantum_flux_" {
		t.Errorf("unexpected %+v", f)
	}
}

func TestJudgeDedupAndOrder(t *testing.T) {
	p := mustDefault(t)
	fs := p.Judge([]exposure.Observation{
		{Class: "http-exposed", Host: "b", Port: 80, Confidence: exposure.Confirmed},
		{Class: "redis-noauth", Host: "a", Port: 6379, Confidence: exposure.Inferred, Evidence: "port"},
		{Class: "redis-noauth", Host: "a", Port: 6379, Confidence: exposure.Confirmed, Evidence: "INFO: redis_version:7.0.15", Product: "Redis", Version: "7.0.15"},
	})
	if len(fs) != 2 {
		t.Fatalf("got %d findings: %+v", len(fs), fs)
	}
	if fs[0].ID != "redis-noauth" || fs[0].Severity != exposure.Critical || fs[0].Confidence != exposure.Confirmed {
		t.Errorf("first finding %+v", fs[0])
	}
	if !strings.Contains(fs[0].Evidence, "redis_version") || !strings.Contains(fs[0].Evidence, "port") {
		t.Errorf("evidence not merged: %q", fs[0].Evidence)
	}
}

func TestLoadOverride(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.json")
	doc := `{"version":"chu-x","inferred_cap":{"severity":"medium"},"rules":[
	  {"id":"ssh-exposed","severity":"medium","title":"SSH exposé (politique locale)"},
	  {"id":"printer-exposed","severity":"high","title":"Imprimante exposée","remediation":"Filtrer."}]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r, _ := p.Rule("ssh-exposed")
	if r.Severity != exposure.Medium || r.Title != "SSH exposé (politique locale)" || r.Remediation == "" {
		t.Errorf("merged rule %+v", r)
	}
	fs := p.Judge([]exposure.Observation{
		{Class: "printer-exposed", Host: "h", Port: 9100, Confidence: exposure.Confirmed},
		{Class: "rdp-exposed", Host: "h", Port: 3389, Confidence: exposure.Inferred},
	})
	got := map[string]exposure.Severity{}
	for _, f := range fs {
		got[f.ID] = f.Severity
	}
	if got["printer-exposed"] != exposure.High || got["rdp-exposed"] != exposure.Medium {
		t.Errorf("override not applied: %v", got)
	}
	if !strings.HasSuffix(p.Version, "+chu-x") {
		t.Errorf("version %q", p.Version)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := map[string]string{
		`{"rules":[{"id":"x","severity":"grave"}]}`:             `rules[0].severity`,
		`{"rules":[{"id":"new-rule","severity":"high"}]}`:       `titre manquant`,
		"{\n  \"rules\": [\n    {\"id\": 3}\n  ]\n}":            "ligne 3",
		`{"rules":[{"id":"a b","title":"t","severity":"low"}]}`: `rules[0].id`,
		`{"rulez":[]}`:       `rulez`,
		"{\n\"rules\": [,]}": "ligne 2",
		``:                   "vide",
		`{"rules":[{"id":"x","title":"t","severity":"low"}]} []`: "inattendu",
	}
	for doc, want := range cases {
		_, err := Merge([]byte(doc), "test.json")
		if err == nil {
			t.Errorf("%q: no error", doc)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "test.json") {
			t.Errorf("%q: error %q should mention %q and the file", doc, err, want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "absent.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func FuzzMerge(f *testing.F) {
	f.Add([]byte(`{"rules":[{"id":"ssh-exposed","severity":"medium"}]}`))
	f.Add([]byte(`{"inferred_cap":{"severity":"low"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Merge(data, "fuzz.json")
		if err != nil {
			return
		}
		fs := p.Judge([]exposure.Observation{{Class: "rdp-exposed", Host: "h", Port: 1, Confidence: exposure.Inferred}, {Class: "zzz", Host: "h"}})
		if len(fs) != 2 {
			t.Fatalf("findings dropped: %d", len(fs))
		}
		for _, f := range fs {
			if f.Severity.Rank() >= len(exposure.Severities) {
				t.Fatalf("invalid severity %q", f.Severity)
			}
		}
	})
}

func BenchmarkJudge(b *testing.B) {
	p, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	obs := make([]exposure.Observation, 0, 1000)
	for i := 0; i < 1000; i++ {
		obs = append(obs, exposure.Observation{Class: exposure.Classes[i%len(exposure.Classes)], Host: "10.0.0." + string(rune('0'+i%10)), Port: i, Confidence: exposure.Confirmed})
	}
	b.ReportAllocs()
	for b.Loop() {
		p.Judge(obs)
	}
}

func TestWithVersionAndCategory(t *testing.T) {
	p := mustDefault(t)
	fs := p.Judge([]exposure.Observation{
		{Class: exposure.ClassVPNGateway, Host: "a", Port: 443, Product: "Fortinet FortiOS", Confidence: exposure.Confirmed},
		{Class: exposure.ClassVPNGateway, Host: "b", Port: 443, Product: "Fortinet FortiOS", Version: "7.4.3", Confidence: exposure.Confirmed},
	})
	got := map[string]exposure.Finding{}
	for _, f := range fs {
		got[f.Host] = f
	}
	if got["a"].Severity != exposure.High || got["b"].Severity != exposure.Info {
		t.Errorf("vpn-gateway without/with version: %s / %s", got["a"].Severity, got["b"].Severity)
	}
	if got["a"].Category == "" || !strings.Contains(got["b"].Title, "version connus") {
		t.Errorf("category/title: %+v", got)
	}
	if _, err := Merge([]byte(`{"rules":[{"id":"vpn-gateway","with_version":{"severity":"nope"}}]}`), "x.json"); err == nil || !strings.Contains(err.Error(), "with_version.severity") {
		t.Errorf("bad with_version severity: %v", err)
	}
}

// Every class the web application fingerprints emit is rated by the policy.
func TestDefaultCoversWebAppClasses(t *testing.T) {
	p := mustDefault(t)
	for _, a := range probe.DefaultWebApps().Apps {
		for _, cs := range [][]probe.WebCheck{a.Detect, a.Access} {
			for _, c := range cs {
				if _, ok := p.Rule(c.Class); !ok {
					t.Errorf("empreinte %s : la classe %q n'a pas de règle dans default.json", a.ID, c.Class)
				}
			}
		}
	}
}
