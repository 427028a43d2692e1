package render

import (
	"html/template"
	"io"
	"time"

	"vigie/internal/ad"
	"vigie/internal/french"
)

// WriteHTML writes a self-contained French HTML report (inline CSS, no
// external resource), verdict first, times in loc.
func WriteHTML(w io.Writer, r *ad.Report, loc *time.Location) error {
	t, err := template.New("ad").Funcs(template.FuncMap{
		"meaning":           ad.LevelMeaning,
		"caveat":            func() string { return Caveat(r) },
		"label":             func() string { return levelLabel(r) },
		"suffix":            func() string { return provisionalSuffix(r) },
		"date":              func() string { return clock(r.CollectedAt, loc) },
		"grades":            func() []int { return []int{1, 2, 3, 4} },
		"plural":            french.Plural,
		"frdate":            french.Dates,
		"advisoriesTitle":   func() string { return AdvisoriesTitle },
		"advisoriesNote":    func() string { return advisoriesNote },
		"advisoriesSummary": func() string { return advisoriesSummary(r) },
		"hasAdvisories":     func() bool { return hasAdvisories(r) },
		"indicative":        indicativeGrades,
		"shown":             func(a ad.Advisory) []ad.Object { o, _ := shownObjects(a); return o },
		"more":              func(a ad.Advisory) int { _, n := shownObjects(a); return n },
	}).Parse(htmlTemplate)
	if err != nil {
		return err
	}
	return t.Execute(w, r)
}

const htmlTemplate = `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Audit Active Directory — {{.Forest}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}
.meta{color:#555}
.verdict{display:flex;gap:1.5rem;align-items:center;border-radius:.5rem;padding:1rem 1.5rem;margin:1.5rem 0;background:#f3f4f6}
.level{font-size:3rem;font-weight:700;border-radius:.5rem;padding:.2rem 1.1rem;color:#fff}
.l1{background:#b91c1c}.l2{background:#ea580c}.l3{background:#ca8a04}.l4{background:#2563eb}.l5{background:#15803d}
.warn{border-left:.35rem solid #ea580c;background:#fff7ed;padding:.6rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d1d5db;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f9fafb}
.finding{border:1px solid #e5e7eb;border-radius:.4rem;padding:.6rem 1rem;margin:.8rem 0}
.finding h4{margin:.2rem 0}
.id{font-family:ui-monospace,monospace;color:#374151}
.accepted{color:#15803d;font-weight:600}
.fix{background:#f0fdf4;padding:.4rem .6rem;border-radius:.3rem}
code{font-family:ui-monospace,monospace;font-size:.85rem}
.advisory{border:1px solid #e5e7eb;border-radius:.4rem;padding:.4rem 1rem;margin:.5rem 0;background:#fafafa}
.advisory summary{cursor:pointer}
</style>
</head>
<body>
<h1>Audit Active Directory — forêt {{.Forest}}</h1>
<p class="meta">Collecte du {{date}}{{if .Source}} — source : {{.Source}}{{end}}{{if .Server}}, serveur {{.Server}}{{end}} — {{plural .Stats.Objects "objet" "objets"}}, {{plural .Stats.Domains "domaine" "domaines"}}</p>

<div class="verdict">
  <div class="level l{{.Level}}">{{.Level}}</div>
  <div>
    <strong>Niveau ANSSI : {{.Level}} / 5{{suffix}}</strong><br>{{meaning .Level}}
    <br>Niveau retenu : <strong>{{label}}</strong>
    {{if ne .LevelWithAcceptedRisks .Level}}<br>Niveau avec risques acceptés : <strong>{{.LevelWithAcceptedRisks}} / 5</strong> (le niveau officiel reste {{.Level}}){{end}}
    <br>Couverture : {{plural .Coverage.Evaluated "point évalué" "points évalués"}} sur {{.Coverage.Total}}
  </div>
</div>
{{if .Coverage.NotEvaluated}}<div class="warn"><strong>Attention :</strong> {{caveat}}{{if .LevelProvisional}}<br>Points non évalués qui pourraient abaisser le niveau : {{range $i, $p := .LevelProvisionalPoints}}{{if $i}}, {{end}}<span class="id">{{$p}}</span>{{end}}.{{end}}</div>{{end}}

{{if not .Findings}}<p><strong>Aucun point de contrôle en échec.</strong></p>{{end}}
{{$r := .}}
{{range $g := grades}}
  {{$first := true}}
  {{range $r.Findings}}{{if eq .Grade $g}}
    {{if $first}}<h2>Points en échec — niveau {{$g}}</h2>{{$first = false}}{{end}}
    <div class="finding">
      <h4><span class="id">{{.ID}}</span> — {{.Title}}{{if .Accepted}} <span class="accepted">(risque accepté)</span>{{end}}</h4>
      {{if .Detail}}<p>{{.Detail}}</p>{{end}}
      <table><tr><th>Compte</th><th>DN</th><th>Détail</th><th>Risque accepté</th></tr>
      {{range .Objects}}<tr><td>{{.Sam}}</td><td><code>{{.DN}}</code></td><td>{{.Detail}}</td><td>{{with .Accepted}}jusqu'au {{frdate .Expires}} : {{.Justification}}{{end}}</td></tr>
      {{end}}</table>
      <p class="fix"><strong>Correction :</strong> {{.Remediation}}</p>
    </div>
  {{end}}{{end}}
{{end}}

{{if .Coverage.NotEvaluated}}
<h2>Points non évalués ({{len .Coverage.NotEvaluated}})</h2>
<p>Ces points ne sont ni réussis ni en échec : les données nécessaires manquent.</p>
<table><tr><th>Point</th><th>Intitulé</th><th>Raison</th></tr>
{{range .Coverage.NotEvaluated}}<tr><td class="id">{{.ID}}</td><td>{{.Title}}</td><td>{{.Why}}</td></tr>
{{end}}</table>
{{end}}

{{if hasAdvisories}}
<h2 id="avertissements">{{advisoriesTitle}}</h2>
<p>{{advisoriesNote}} {{advisoriesSummary}}.</p>
{{if .Warnings}}<h3>Avertissements relevés ({{len .Warnings}})</h3>{{range .Warnings}}{{template "advisory" .}}{{end}}{{end}}
{{if .Informations}}<h3>Informations ({{len .Informations}})</h3>{{range .Informations}}{{template "advisory" .}}{{end}}{{end}}
{{if .AdvisoryCoverage.NotEvaluated}}
<details class="advisory"><summary>Non évalués ({{len .AdvisoryCoverage.NotEvaluated}})</summary>
<table><tr><th>Point</th><th>Intitulé</th><th>Raison</th></tr>
{{range .AdvisoryCoverage.NotEvaluated}}<tr><td class="id">{{.ID}}</td><td>{{.Title}}</td><td>{{.Why}}</td></tr>
{{end}}</table>
</details>
{{end}}
{{end}}

{{if .ExtraTier0}}
<h2>Comptes Tier 0 supplémentaires</h2>
<p>Délégations acceptées car protégées à la manière d'AdminSDHolder : {{range $i, $s := .ExtraTier0}}{{if $i}}, {{end}}{{$s}}{{end}}.</p>
{{end}}

{{if .Limits}}
<h2>Limites connues de l'analyse</h2>
<table><tr><th>Point</th><th>Limite</th></tr>
{{range .Limits}}<tr><td class="id">{{.ID}}</td><td>{{.Note}}</td></tr>
{{end}}</table>
{{end}}

{{if .ControlPaths}}
<h2>Chemins de contrôle vers le Tier 0 (information)</h2>
<table><tr><th>Principal</th><th>Chemin</th></tr>
{{range .ControlPaths}}<tr><td>{{.Principal}}</td><td>{{range .Steps}}{{.}}<br>{{end}}</td></tr>
{{end}}</table>
{{end}}

{{if .Exceptions}}
<h2>Risques acceptés</h2>
<table><tr><th>Point</th><th>Objet</th><th>Expiration</th><th>État</th><th>Justification</th></tr>
{{range .Exceptions}}<tr><td class="id">{{.ID}}</td><td><code>{{.DN}}</code></td><td>{{frdate .Expires}}</td><td>{{.Status}} ({{plural .Matches "objet" "objets"}})</td><td>{{.Justification}}</td></tr>
{{end}}</table>
{{end}}

{{if .Passed}}<h2>Points réussis ({{len .Passed}})</h2><p>{{range $i, $p := .Passed}}{{if $i}}, {{end}}<span class="id">{{$p}}</span>{{end}}</p>{{end}}
</body>
</html>
{{define "advisory"}}<details class="advisory">
  <summary><span class="id">{{.ID}}</span> — {{.Title}}{{with indicative .}} <span class="meta">({{.}})</span>{{end}} — {{plural (len .Objects) "objet" "objets"}}</summary>
  {{if .Description}}<p>{{.Description}}</p>{{end}}
  {{if .Detail}}<p>{{.Detail}}</p>{{end}}
  <table><tr><th>Compte</th><th>DN</th><th>Détail</th></tr>
  {{range shown .}}<tr><td>{{.Sam}}</td><td><code>{{.DN}}</code></td><td>{{.Detail}}</td></tr>
  {{end}}</table>
  {{with more .}}<p>… et {{plural . "autre" "autres"}} (liste complète dans le rapport JSON).</p>{{end}}
  <p class="fix"><strong>Recommandation :</strong> {{.Remediation}}</p>
  {{if .Limits}}<p class="meta">Limite : {{.Limits}}</p>{{end}}
</details>{{end}}
`
