package web

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
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

// TestChartAxesReadable checks the exposure chart with 30 monthly audits:
// real dates on the axis, labels far enough apart, one bar each; and the
// AD legend names every directory.
func TestChartAxesReadable(t *testing.T) {
	var f care.Facts
	d := civil.MustParse("2023-01-14")
	for i := range 30 {
		f.ExposureAudits = append(f.ExposureAudits, care.ExposureAudit{Date: d, CompletePerimeter: true, Counts: &care.Counts{Critical: i % 3}})
		d = d.AddDays(30)
	}
	root := parseSVG(t, exposureChart(&f))
	if bars := root.find("rect", "barre"); len(bars) != 30 {
		t.Errorf("%d bars, want 30", len(bars))
	}
	labels := root.find("text", "date-axe")
	if len(labels) < 4 || len(labels) > 12 {
		t.Errorf("%d date labels on the axis, want a readable handful", len(labels))
	}
	prev := -1e9
	for _, l := range labels {
		x, _ := l.attr("x")
		v, _ := strconv.ParseFloat(x, 64)
		if v-prev < minTickGap {
			t.Errorf("date labels %v apart at %s (%q)", v-prev, x, l.Text)
		}
		prev = v
		if !regexp.MustCompile(`^(janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) 20\d\d$`).MatchString(l.Text) {
			t.Errorf("axis label %q is not a French month", l.Text)
		}
	}
	// Labels above the bars never overlap.
	prev = -1e9
	for _, l := range root.find("text", "valeur") {
		x, _ := l.attr("x")
		v, _ := strconv.ParseFloat(x, 64)
		if v-prev < 14 {
			t.Errorf("value labels %v apart", v-prev)
		}
		prev = v
	}

	g := &care.Facts{}
	for i := range 7 {
		id := fmt.Sprintf("ad%d", i)
		g.Directories = append(g.Directories, care.Directory{ID: id, Name: fmt.Sprintf("annuaire-numero-%d.local", i)})
		g.ADAudits = append(g.ADAudits, care.ADAudit{Directory: id, Date: civil.MustParse("2025-01-01").AddDays(10 * i), Level: 1 + i%5, Source: care.SourceADS})
	}
	cv := adLevelChart(g)
	root = parseSVG(t, cv)
	var names []string
	for _, l := range root.find("text", "legende") {
		names = append(names, l.Text)
	}
	for _, dir := range g.Directories {
		if !slices.Contains(names, dir.Name) {
			t.Errorf("legend lacks %s: %v", dir.Name, names)
		}
	}
	vb, _ := root.attr("viewBox")
	if h, _ := strconv.Atoi(vb[strings.LastIndex(vb, " ")+1:]); h < chartH+8+18*2 {
		t.Errorf("viewBox %s: the legend should wrap onto several rows", vb)
	}
}

// TestExerciseChartNames checks the exercise chart names each establishment.
func TestExerciseChartNames(t *testing.T) {
	ev := &care.Evaluation{AsOf: civil.MustParse("2025-06-15")}
	for i := range 12 {
		st := care.Met
		if i%4 == 0 {
			st = care.NotMet
		}
		ev.Results = append(ev.Results, care.Result{Objective: "D1.O3", Entity: fmt.Sprintf("0100000%02d", i), EntityName: fmt.Sprintf("CH numéro %d", i), Status: st})
	}
	root := parseSVG(t, exerciseCoverageChart(ev))
	var texts []string
	for _, l := range root.find("text", "etiquette") {
		texts = append(texts, l.Text)
	}
	for i := range 12 {
		if !slices.Contains(texts, fmt.Sprintf("CH numéro %d", i)) {
			t.Errorf("establishment %d not named: %v", i, texts)
		}
	}
}
