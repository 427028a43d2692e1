package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"vigie/internal/exposure"
)

func auditAt(end time.Time, fs ...exposure.Finding) *exposure.Audit {
	return &exposure.Audit{
		StartedAt:  end.Add(-2 * time.Hour),
		FinishedAt: end,
		Complete:   true,
		Perimeter:  exposure.Perimeter{Entities: []string{"750712184"}, Domains: []string{"chu-exemple.fr"}, Networks: []string{"192.0.2.0/28"}, ASNs: []exposure.ASN{{Number: 64500}}},
		Hosts: []exposure.Host{{Address: "192.0.2.1", Names: []string{"vpn.chu-exemple.fr"}, Ports: []exposure.Port{
			{Port: 443, Proto: "tcp", Service: "https", Product: "Fortinet FortiOS", Version: "7.2.4", TLS: true},
			{Port: 3389, Proto: "tcp", Service: "ms-wbt-server"},
		}}},
		Candidates: []exposure.Candidate{{Address: "198.51.100.9", Name: "old.chu-exemple.fr", Why: "résout hors des réseaux déclarés"}},
		Findings:   fs,
	}
}

var (
	fRDP = exposure.Finding{ID: "rdp-exposed", Host: "192.0.2.1", Port: 3389, Severity: exposure.Critical, Confidence: exposure.Confirmed,
		Title: "Bureau à distance (RDP) accessible depuis internet", Category: "Administration à distance", Evidence: "X.224 CC <script>alert(1)</script>", Remediation: "Retirer l'exposition du RDP.",
		References: []string{"https://cyber.gouv.fr/x", "javascript:alert(1)"}}
	fCVE = exposure.Finding{ID: "cve-2024-21762", Host: "192.0.2.1", Port: 443, Severity: exposure.Critical, Confidence: exposure.VersionBased,
		Title: "Fortinet FortiOS 7.2.4 : écriture hors limites — correspondance de version uniquement", CVEs: []string{"CVE-2024-21762"}, Remediation: "Mettre à jour."}
	fTLS = exposure.Finding{ID: "tls-self-signed", Host: "2001:db8::1", Port: 8443, Severity: exposure.Low, Confidence: exposure.Confirmed,
		Title: "Certificat TLS autosigné", Evidence: "=HYPERLINK(\"http://x\")", Remediation: "Utiliser un certificat reconnu."}
	fInfo = exposure.Finding{ID: "http-exposed", Host: "192.0.2.1", Port: 80, Severity: exposure.Info, Confidence: exposure.Confirmed, Title: "Service web exposé"}
)

func renderHTML(t *testing.T, a *exposure.Audit, opt ExposureHTMLOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := ExposureHTML(&buf, a, opt); err != nil {
		t.Fatalf("ExposureHTML: %v", err)
	}
	return buf.String()
}

// checkSelfContained parses the page and fails on any resource the browser
// would fetch (scripts, stylesheets, images, frames, CSS imports or urls).
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("HTML parse: %v", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img", "iframe", "link", "object", "embed", "video", "audio", "source":
				t.Errorf("external/active element <%s> in report", n.Data)
			}
			for _, a := range n.Attr {
				if a.Key == "src" || a.Key == "srcset" || strings.HasPrefix(a.Key, "on") {
					t.Errorf("attribute %s=%q in report", a.Key, a.Val)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("unsafe href %q", a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if strings.Contains(page, "@import") || strings.Contains(page, "url(") {
		t.Error("CSS loads an external resource")
	}
}

func TestExposureHTMLVerdictFirstAndSelfContained(t *testing.T) {
	end := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	prev := auditAt(end.AddDate(0, 0, -50), fInfo, fTLS, exposure.Finding{ID: "smb-exposed", Host: "192.0.2.2", Port: 445, Severity: exposure.Critical, Title: "SMB exposé"})
	cur := auditAt(end, fRDP, fCVE, fTLS, fInfo)
	page := renderHTML(t, cur, ExposureHTMLOptions{Title: "CHU Exemple", Previous: prev, GeneratedAt: end})
	checkSelfContained(t, page)

	iVerdict := strings.Index(page, "Aucune vulnérabilité critique sur cet audit : NON")
	iCounts := strings.Index(page, "<h2>Synthèse</h2>")
	iPlan := strings.Index(page, "Plan de remédiation priorisé")
	iDetail := strings.Index(page, "Vulnérabilités en détail")
	if iVerdict < 0 || iCounts < 0 || iPlan < 0 || iDetail < 0 || !(iVerdict < iCounts && iCounts < iPlan && iPlan < iDetail) {
		t.Errorf("sections out of order: verdict %d counts %d plan %d detail %d", iVerdict, iCounts, iPlan, iDetail)
	}
	for _, want := range []string{
		"Deux audits successifs conformes : NON", "50 jours", "l&#39;audit courant relève 2 vulnérabilités critiques",
		"CHU Exemple", "P1 — immédiate", "AS64500", "old.chu-exemple.fr", "2 nouvelles", "1 corrigée", "2 toujours présentes", "SMB exposé",
		"correspondance de version uniquement", "CVE-2024-21762", "par version", "Administration à distance",
		"Types de vulnérabilités", "<td>Administration à distance</td><td>1</td>", "Indice de conformité CaRE D1 (champ <code>outcome.level</code> du fichier OPSSIES) : <strong>3</strong>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, `href="javascript:`) {
		t.Error("evidence or reference not escaped")
	}
}

func TestCheckPair(t *testing.T) {
	d0 := time.Date(2026, 1, 10, 23, 30, 0, 0, time.UTC) // 11 January in Paris
	cases := []struct {
		days    int
		crit    bool
		partial bool
		ok      bool
	}{
		{45, false, false, true}, {60, false, false, true}, {44, false, false, false},
		{61, false, false, false}, {50, true, false, false}, {50, false, true, false}, {-50, false, false, false},
	}
	for _, c := range cases {
		prev := auditAt(d0, fInfo)
		var fs []exposure.Finding
		if c.crit {
			fs = append(fs, fRDP)
		}
		cur := auditAt(d0.AddDate(0, 0, c.days), fs...)
		cur.Complete = !c.partial
		v := CheckPair(prev, cur, DefaultPairWindow)
		if v.OK != c.ok || v.GapDays != c.days {
			t.Errorf("%+v: got ok=%v gap=%d reasons=%v", c, v.OK, v.GapDays, v.Reasons)
		}
		if !v.OK && len(v.Reasons) == 0 {
			t.Errorf("%+v: failure without a reason", c)
		}
	}
	// Calendar days in Paris: 23:30 UTC on 10 Jan is 11 Jan; 45 days later at 00:30 UTC.
	prev := auditAt(time.Date(2026, 1, 10, 23, 30, 0, 0, time.UTC))
	cur := auditAt(time.Date(2026, 2, 25, 0, 30, 0, 0, time.UTC))
	if v := CheckPair(prev, cur, DefaultPairWindow); v.GapDays != 45 {
		t.Errorf("gap in Paris days = %d, want 45", v.GapDays)
	}
}

func TestExposureHTMLClean(t *testing.T) {
	page := renderHTML(t, auditAt(time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC), fTLS), ExposureHTMLOptions{})
	checkSelfContained(t, page)
	if !strings.Contains(page, "Aucune vulnérabilité critique sur cet audit : OUI") || strings.Contains(page, "Deux audits successifs") {
		t.Error("clean single audit verdict wrong")
	}
}

func TestExposureCSV(t *testing.T) {
	a := auditAt(time.Now(), fTLS, fRDP, fInfo)
	var buf bytes.Buffer
	if err := ExposureCSV(&buf, a); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse back: %v", err)
	}
	if len(rows) != 4 || rows[0][0] != "identifiant" || rows[0][5] != "sévérité" {
		t.Fatalf("rows %v", rows)
	}
	if rows[1][7] != "rdp-exposed" || rows[1][5] != "critique" || rows[3][7] != "http-exposed" {
		t.Errorf("order/severity: %v", rows[1:])
	}
	for _, r := range rows[1:] {
		if r[7] == "tls-self-signed" && !strings.HasPrefix(r[9], "'=") {
			t.Errorf("formula not neutralised: %q", r[9])
		}
	}
}

func TestExposureSARIF(t *testing.T) {
	a := auditAt(time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC), fRDP, fTLS, fCVE, fInfo, exposure.Finding{ID: "rdp-exposed", Host: "192.0.2.9", Port: 3389, Severity: exposure.Critical})
	var buf bytes.Buffer
	if err := ExposureSARIF(&buf, a); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "Vigie" {
		t.Fatalf("header %+v", log)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != 4 || len(run.Results) != 5 {
		t.Fatalf("%d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	uris := map[string]bool{}
	fps := map[string]bool{}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", r.RuleIndex, r.RuleID)
		}
		if len(r.Locations) != 1 || r.Message.Text == "" {
			t.Errorf("result %+v", r)
		}
		uris[r.Locations[0].PhysicalLocation.ArtifactLocation.URI] = true
		fps[r.PartialFingerprints["vigieFindingId/v1"]] = true
	}
	for _, u := range []string{"tcp://192.0.2.1:3389", "tcp://[2001:db8::1]:8443", "tcp://192.0.2.1:443"} {
		if !uris[u] {
			t.Errorf("missing artifact %s in %v", u, uris)
		}
	}
	if len(fps) != 5 {
		t.Errorf("fingerprints not distinct: %v", fps)
	}
}

func TestExposureJSONL(t *testing.T) {
	a := auditAt(time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC), fInfo, fTLS, fRDP)
	var buf bytes.Buffer
	if err := ExposureJSONL(&buf, a); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var ids []string
	var sevs []string
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ids = append(ids, rec["finding_id"].(string))
		sevs = append(sevs, rec["severity"].(string))
		if rec["key"] == "" || rec["title"] == "" {
			t.Errorf("record %v", rec)
		}
	}
	if len(ids) != 3 || sevs[0] != "critical" || sevs[2] != "info" {
		t.Fatalf("ids %v sevs %v", ids, sevs)
	}
	// Stable: same key → same id, whatever the other fields.
	g := fRDP
	g.Title, g.Severity = "autre", exposure.Low
	if FindingID(g) != ids[0] || FindingID(fTLS) == FindingID(fRDP) {
		t.Error("finding_id not derived from the key only")
	}
}

func TestExposureTableAndDelta(t *testing.T) {
	prev := auditAt(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), fTLS)
	cur := auditAt(time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC), fTLS, fRDP)
	var buf bytes.Buffer
	if err := ExposureTable(&buf, cur); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"SÉVÉRITÉ", "critique", "192.0.2.1:3389", "Aucune vulnérabilité critique (D1.O2.B, cet audit) : non", "1 critique,", "hors périmètre"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := DeltaTable(&buf, prev, cur, exposure.Diff(prev, cur)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Nouvelles : 1, corrigées : 0, toujours présentes : 1") {
		t.Errorf("delta table:\n%s", buf.String())
	}
}

func BenchmarkExposureHTML(b *testing.B) {
	var fs []exposure.Finding
	for i := 0; i < 500; i++ {
		f := fTLS
		f.Port = 1000 + i
		fs = append(fs, f)
	}
	a := auditAt(time.Now(), fs...)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := ExposureHTML(&buf, a, ExposureHTMLOptions{Previous: a}); err != nil {
			b.Fatal(err)
		}
	}
}
