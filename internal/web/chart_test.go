package web

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/org"
)

// svgNode is a parsed SVG element, enough to find marks and their data.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []svgNode  `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n svgNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// find returns the elements with the given local name and class word.
func (n svgNode) find(local, class string) []svgNode {
	var out []svgNode
	if n.XMLName.Local == local {
		if c, _ := n.attr("class"); class == "" || strings.Contains(" "+c+" ", " "+class+" ") {
			out = append(out, n)
		}
	}
	for _, c := range n.Nodes {
		out = append(out, c.find(local, class)...)
	}
	return out
}

func parseSVG(t *testing.T, cv chartView) svgNode {
	t.Helper()
	if cv.Empty != "" {
		t.Fatalf("%s: empty chart: %s", cv.ID, cv.Empty)
	}
	var root svgNode
	if err := xml.Unmarshal([]byte(cv.SVG), &root); err != nil {
		t.Fatalf("%s: SVG does not parse: %v\n%s", cv.ID, err, cv.SVG)
	}
	if root.XMLName.Local != "svg" {
		t.Fatalf("root element %q", root.XMLName.Local)
	}
	if len(root.find("title", "")) == 0 || len(root.find("desc", "")) == 0 {
		t.Errorf("%s: no <title> or <desc>", cv.ID)
	}
	return root
}

func TestADLevelChart(t *testing.T) {
	f := &care.Facts{
		Directories: []care.Directory{{ID: "ad1", Name: "ght.local"}, {ID: "ad2", Name: "chu <b>&</b>.local"}},
		ADAudits: []care.ADAudit{
			{Directory: "ad1", Date: civil.MustParse("2024-05-01"), Level: 2, Source: care.SourceADS},
			{Directory: "ad1", Date: civil.MustParse("2025-03-01"), Level: 4, Source: care.SourceVigie},
			{Directory: "ad1", Date: civil.MustParse("2024-11-01"), Level: 3, Source: care.SourceADS},
			{Directory: "ad2", Date: civil.MustParse("2025-01-15"), Level: 1, Source: care.SourceVigie},
			{Directory: "autre", Date: civil.MustParse("2025-01-15"), Level: 5, Source: care.SourceADS}, // not a visible directory
		},
	}
	cv := adLevelChart(f)
	root := parseSVG(t, cv)
	official, vigie := root.find("circle", "officiel"), root.find("rect", "vigie")
	if len(official) != 2 || len(vigie) != 2 {
		t.Fatalf("markers: %d official, %d Vigie; want 2 and 2", len(official), len(vigie))
	}
	got := map[string]string{}
	for _, p := range append(official, vigie...) {
		d, _ := p.attr("data-date")
		l, _ := p.attr("data-niveau")
		got[d] = l
	}
	want := map[string]string{"2024-05-01": "2", "2024-11-01": "3", "2025-03-01": "4", "2025-01-15": "1"}
	for d, l := range want {
		if got[d] != l {
			t.Errorf("audit %s: level %q, want %s", d, got[d], l)
		}
	}
	// Higher levels are drawn higher (smaller y).
	y := map[string]float64{}
	for _, p := range official {
		d, _ := p.attr("data-date")
		v, _ := p.attr("cy")
		y[d], _ = strconv.ParseFloat(v, 64)
	}
	if !(y["2024-11-01"] < y["2024-05-01"]) {
		t.Errorf("level 3 at y=%v not above level 2 at y=%v", y["2024-11-01"], y["2024-05-01"])
	}
	if lines := root.find("polyline", ""); len(lines) != 1 {
		t.Errorf("%d lines, want 1 (ad2 has a single audit)", len(lines))
	}
	if len(cv.Rows) != 4 {
		t.Errorf("text alternative: %d rows, want 4", len(cv.Rows))
	}
	if strings.Contains(string(cv.SVG), "<b>") {
		t.Error("directory name not escaped")
	}
	if empty := adLevelChart(&care.Facts{}); empty.Empty == "" || empty.SVG != "" {
		t.Error("no audits: want the empty message")
	}
}

func TestExposureChart(t *testing.T) {
	no := true
	f := &care.Facts{ExposureAudits: []care.ExposureAudit{
		{Date: civil.MustParse("2025-03-01"), CompletePerimeter: true, Counts: &care.Counts{Critical: 0, High: 3}},
		{Date: civil.MustParse("2025-01-10"), CompletePerimeter: false, Counts: &care.Counts{Critical: 4}},
		{Date: civil.MustParse("2025-04-20"), CompletePerimeter: true, NoCritical: &no},
	}}
	cv := exposureChart(f)
	root := parseSVG(t, cv)
	bars := root.find("rect", "barre")
	if len(bars) != 3 {
		t.Fatalf("%d bars, want 3", len(bars))
	}
	wantDates := []string{"2025-01-10", "2025-03-01", "2025-04-20"}
	wantCrit := []string{"4", "0", ""}
	wantPerim := []string{"incomplet", "complet", "complet"}
	for i, b := range bars {
		d, _ := b.attr("data-date")
		c, _ := b.attr("data-critiques")
		p, _ := b.attr("data-perimetre")
		if d != wantDates[i] || c != wantCrit[i] || p != wantPerim[i] {
			t.Errorf("bar %d: date %s, critical %q, perimeter %s; want %s, %q, %s", i, d, c, p, wantDates[i], wantCrit[i], wantPerim[i])
		}
	}
	if h, _ := bars[0].attr("height"); h == "0.0" {
		t.Error("4 criticals drawn with a zero height")
	}
	if len(root.find("rect", "incomplet")) != 1 {
		t.Error("incomplete perimeter not marked")
	}
}

func TestExerciseCoverageChart(t *testing.T) {
	ev := &care.Evaluation{AsOf: civil.MustParse("2025-06-15"), Results: []care.Result{
		{Objective: "D1.O3", Entity: "010000016", Status: care.Met},
		{Objective: "D1.O3", Entity: "010000024", Status: care.NotMet},
		{Objective: "D1.O3", Entity: "010000040", Status: care.Met},
		{Objective: "D1.O4", Entity: "010000040", Status: care.NotMet},
	}}
	cv := exerciseCoverageChart(ev)
	root := parseSVG(t, cv)
	covered, missing := root.find("rect", "couvert"), root.find("rect", "manquant")
	if len(covered) != 2 || len(missing) != 1 {
		t.Fatalf("segments: %d covered, %d missing; want 2 and 1", len(covered), len(missing))
	}
	if e, _ := missing[0].attr("data-etablissement"); e != "010000024" {
		t.Errorf("missing segment for %s", e)
	}
	if !strings.Contains(string(cv.SVG), "2 / 3") || !strings.Contains(string(cv.SVG), "66 %") {
		t.Errorf("share not stated:\n%s", cv.SVG)
	}
}

func TestDossierChartsPartial(t *testing.T) {
	a, b := org.FINESS("010000016"), org.FINESS("010000040")
	f := &care.Facts{Entities: []org.Entity{{FINESS: a}}, ExposureAudits: []care.ExposureAudit{
		{Entities: []org.FINESS{a}, Date: civil.MustParse("2025-01-01"), Counts: &care.Counts{}},
		{Entities: []org.FINESS{b}, Date: civil.MustParse("2025-02-01"), Counts: &care.Counts{Critical: 9}},
	}}
	cs := dossierCharts(&care.Evaluation{}, f)
	if len(cs) != 3 || len(cs[1].Rows) != 1 || cs[1].Rows[0][0] != "01/01/2025" {
		t.Errorf("exposure audits of other entities shown: %+v", cs[1].Rows)
	}
}
