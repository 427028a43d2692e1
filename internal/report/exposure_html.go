package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/opssies"
	"vigie/internal/french"
)

//go:embed exposure_report.html.tmpl
var exposureHTMLTemplate string

// ExposureHTMLOptions completes an HTML exposure report.
type ExposureHTMLOptions struct {
	// Title names the audited organisation (e.g. "CH de Exemple").
	Title string
	// Previous is the audit to compare with (optional).
	Previous *exposure.Audit
	// Window is the D1.O2.B spacing; zero means DefaultPairWindow.
	Window PairWindow
	// GeneratedAt is printed in the footer (zero: omitted).
	GeneratedAt time.Time
}

// planItem is one line of the prioritised remediation plan: one check id
// with the systems it affects.
type planItem struct {
	Priority    int
	Severity    exposure.Severity
	ID          string
	Title       string
	Remediation string
	Targets     []string
}

type htmlView struct {
	Title       string
	Audit       *exposure.Audit
	Counts      exposure.Summary
	Clean       bool
	Pair        *PairVerdict
	Window      PairWindow
	Delta       *exposure.Delta
	Previous    *exposure.Audit
	Plan        []planItem
	Findings    []exposure.Finding
	OpenPorts   int
	Categories  []categoryCount
	Level       opssies.LevelRow
	Convention  string
	GeneratedAt time.Time
}

// categoryCount is the number of findings of one type, by severity.
type categoryCount struct {
	Name   string
	Counts exposure.Summary
	Total  int
}

// ExposureHTML writes a self-contained French HTML report (inline CSS, no
// external resource) shaped like CERT Santé's: the D1.O2.B verdict first,
// counts by severity, the prioritised remediation plan, the perimeter, each
// finding in detail and, with a previous audit, the comparison.
func ExposureHTML(w io.Writer, a *exposure.Audit, opt ExposureHTMLOptions) error {
	if opt.Window == (PairWindow{}) {
		opt.Window = DefaultPairWindow
	}
	v := htmlView{
		Title: opt.Title, Audit: a, Counts: countsOf(a), Window: opt.Window,
		Previous: opt.Previous, Findings: sortedFindings(a.Findings), GeneratedAt: opt.GeneratedAt,
	}
	v.Clean = v.Counts.Critical == 0
	for _, h := range a.Hosts {
		v.OpenPorts += len(h.Ports)
	}
	if opt.Previous != nil {
		p := CheckPair(opt.Previous, a, opt.Window)
		d := exposure.Diff(opt.Previous, a)
		v.Pair, v.Delta = &p, &d
	}
	v.Plan = remediationPlan(v.Findings)
	v.Categories = categories(v.Findings)
	levels, err := opssies.Levels()
	if err != nil {
		return err
	}
	v.Level, v.Convention = levels.Level(v.Counts), levels.Convention
	t, err := template.New("exposure").Funcs(template.FuncMap{
		"date":       frenchDateTime,
		"plural":     french.Plural,
		"sevFR":      func(s exposure.Severity) string { return s.French() },
		"sevClass":   func(s exposure.Severity) string { return "sev-" + string(s) },
		"confFR":     confidenceFR,
		"target":     target,
		"ouiNon":     ouiNon,
		"join":       strings.Join,
		"priorityFR": priorityFR,
		"findingID":  FindingID,
		"isURL":      func(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") },
		"asURL":      func(s string) template.URL { return template.URL(s) },
		"asnList": func(as []exposure.ASN) string {
			var out []string
			for _, a := range as {
				out = append(out, fmt.Sprintf("AS%d", a.Number))
			}
			return strings.Join(out, ", ")
		},
	}).Parse(exposureHTMLTemplate)
	if err != nil {
		return fmt.Errorf("gabarit du rapport : %w", err)
	}
	if err := t.Execute(w, v); err != nil {
		return fmt.Errorf("écriture du rapport HTML : %w", err)
	}
	return nil
}

// remediationPlan groups findings by check id, most serious first, then by
// the number of systems affected.
func remediationPlan(fs []exposure.Finding) []planItem {
	byID := map[string]*planItem{}
	var order []*planItem
	for _, f := range fs {
		it, ok := byID[f.ID]
		if !ok {
			it = &planItem{Severity: f.Severity, ID: f.ID, Title: f.Title, Remediation: f.Remediation}
			byID[f.ID] = it
			order = append(order, it)
		}
		if f.Severity.Rank() < it.Severity.Rank() {
			it.Severity = f.Severity
		}
		it.Targets = append(it.Targets, target(f))
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() < b.Severity.Rank()
		}
		if len(a.Targets) != len(b.Targets) {
			return len(a.Targets) > len(b.Targets)
		}
		return a.ID < b.ID
	})
	out := make([]planItem, 0, len(order))
	for _, it := range order {
		it.Priority = it.Severity.Rank() + 1
		out = append(out, *it)
	}
	return out
}

// categories counts findings by type (Category, "Autre" when unset), the
// types with the most serious findings first.
func categories(fs []exposure.Finding) []categoryCount {
	idx := map[string]int{}
	var out []categoryCount
	for _, f := range fs {
		name := f.Category
		if name == "" {
			name = "Autre"
		}
		i, ok := idx[name]
		if !ok {
			i = len(out)
			idx[name] = i
			out = append(out, categoryCount{Name: name})
		}
		c := exposure.Summarize([]exposure.Finding{f})
		s := &out[i].Counts
		s.Critical += c.Critical
		s.High += c.High
		s.Medium += c.Medium
		s.Low += c.Low
		s.Info += c.Info
		out[i].Total++
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Counts, out[j].Counts
		ka := []int{a.Critical, a.High, a.Medium, a.Low, a.Info}
		kb := []int{b.Critical, b.High, b.Medium, b.Low, b.Info}
		for k := range ka {
			if ka[k] != kb[k] {
				return ka[k] > kb[k]
			}
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// priorityFR labels a priority (1 = critical).
func priorityFR(p int) string {
	switch p {
	case 1:
		return "P1 — immédiate"
	case 2:
		return "P2 — court terme"
	case 3:
		return "P3 — moyen terme"
	case 4:
		return "P4 — à planifier"
	}
	return "P5 — pour information"
}
