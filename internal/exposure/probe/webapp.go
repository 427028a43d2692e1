package probe

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"vigie/internal/jsonfr"
)

//go:embed webapps.json
var embeddedWebApps []byte

// WebApps are the fingerprints of web applications that generic scanners
// miss or that matter for a hospital (PACS and their viewers, DICOMweb, HL7
// FHIR servers, WinRM, VPN gateways, Exchange): data, not code, like the
// severity policy. Each says how to recognise the application and what an
// anonymous visitor reaches; the policy rates the classes it emits.
type WebApps struct {
	Version     string   `json:"version"`
	Description string   `json:"description,omitempty"`
	Apps        []WebApp `json:"apps"`
}

// WebApp is one application.
type WebApp struct {
	ID string `json:"id"`
	// Product names the application when it is recognised.
	Product string `json:"product"`
	// Service replaces "http"/"https" as the port's service name (e.g. winrm).
	Service  string `json:"service,omitempty"`
	Category string `json:"category"`
	// Detect: any one check recognises the application.
	Detect []WebCheck `json:"detect"`
	// Access: tried once recognised; each that holds says what an
	// anonymous visitor reaches.
	Access []WebCheck `json:"access,omitempty"`
}

// WebCheck is one request and what its answer must show.
type WebCheck struct {
	Method  string            `json:"method,omitempty"` // GET (default) or POST with an empty body
	Path    string            `json:"path"`             // may use {base}
	Headers map[string]string `json:"headers,omitempty"`
	// Match: every matcher must hold; at least two (never a status alone).
	Match []WebMatcher `json:"match"`
	// Base (detect only) replaces {base} in the access paths.
	Base string `json:"base,omitempty"`
	// Class is the exposure class observed when the check holds.
	Class string `json:"class"`
	// Evidence is the French evidence; {path}, {count}, {version} and
	// {product} are replaced, {count:patient|patients} by the count with
	// its noun agreed (« 1 patient », « 12 patients »).
	Evidence    string      `json:"evidence"`
	Version     *WebExtract `json:"version,omitempty"`
	ProductFrom *WebExtract `json:"product_from,omitempty"`
	Count       *WebExtract `json:"count,omitempty"`
}

// WebMatcher is one condition on an answer; exactly one of Status, Words,
// Regex and JSON is set.
type WebMatcher struct {
	Status []int `json:"status,omitempty"`
	// Part is what Words and Regex look at: body (default), title,
	// location or header:Name.
	Part  string   `json:"part,omitempty"`
	Words []string `json:"words,omitempty"` // all present, case ignored
	Regex string   `json:"regex,omitempty"`
	// JSON is a dotted path (array indexes allowed) that must exist in a
	// JSON body; with Equals its value (as text) must be that.
	JSON   string `json:"json,omitempty"`
	Equals string `json:"equals,omitempty"`

	re *regexp.Regexp
}

// WebExtract takes a value from an answer: a JSON path, or the first group
// of a regular expression on a part. For a count, a JSON array's length.
type WebExtract struct {
	JSON  string `json:"json,omitempty"`
	Part  string `json:"part,omitempty"`
	Regex string `json:"regex,omitempty"`

	re *regexp.Regexp
}

var (
	defaultAppsOnce sync.Once
	defaultApps     *WebApps
)

// DefaultWebApps returns the embedded fingerprints (parsed once).
func DefaultWebApps() *WebApps {
	defaultAppsOnce.Do(func() {
		w, err := ParseWebApps(embeddedWebApps, "empreintes web intégrées")
		if err != nil {
			panic(err) // the embedded file is checked by the tests
		}
		defaultApps = w
	})
	return defaultApps
}

// ParseWebApps reads and checks a fingerprint file; errors are in French
// and name the place.
func ParseWebApps(data []byte, name string) (*WebApps, error) {
	var w WebApps
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%s : %s", name, jsonfr.Describe(data, err))
	}
	if err := w.validate(); err != nil {
		return nil, fmt.Errorf("%s : %w", name, err)
	}
	return &w, nil
}

func (w *WebApps) validate() error {
	if len(w.Apps) == 0 {
		return fmt.Errorf("apps : aucune application")
	}
	seen := map[string]bool{}
	for i := range w.Apps {
		a := &w.Apps[i]
		where := fmt.Sprintf("apps[%d]", i)
		if a.ID == "" || !validClass(a.ID) {
			return fmt.Errorf("%s.id : identifiant %q manquant ou invalide", where, a.ID)
		}
		if seen[a.ID] {
			return fmt.Errorf("%s.id : l'application %q est définie deux fois", where, a.ID)
		}
		seen[a.ID] = true
		if a.Product == "" {
			return fmt.Errorf("%s.product : produit manquant pour %q", where, a.ID)
		}
		if len(a.Detect) == 0 {
			return fmt.Errorf("%s.detect : aucune vérification pour %q", where, a.ID)
		}
		for j := range a.Detect {
			if err := a.Detect[j].check(fmt.Sprintf("%s.detect[%d]", where, j), true); err != nil {
				return err
			}
		}
		for j := range a.Access {
			if err := a.Access[j].check(fmt.Sprintf("%s.access[%d]", where, j), false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *WebCheck) check(where string, detect bool) error {
	switch c.Method {
	case "":
		c.Method = http.MethodGet
	case http.MethodGet, http.MethodPost:
	default:
		return fmt.Errorf("%s.method : méthode %q refusée (GET ou POST)", where, c.Method)
	}
	if !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "{base}") {
		return fmt.Errorf("%s.path : chemin %q invalide (doit commencer par « / » ou « {base} »)", where, c.Path)
	}
	if detect && strings.Contains(c.Path, "{base}") {
		return fmt.Errorf("%s.path : {base} n'est permis que dans « access »", where)
	}
	if !detect && c.Base != "" {
		return fmt.Errorf("%s.base : permis seulement dans « detect »", where)
	}
	if len(c.Match) < 2 {
		return fmt.Errorf("%s.match : au moins deux conditions sont exigées (jamais un code de statut seul)", where)
	}
	for k := range c.Match {
		if err := c.Match[k].compile(fmt.Sprintf("%s.match[%d]", where, k)); err != nil {
			return err
		}
	}
	if c.Class == "" || !validClass(c.Class) {
		return fmt.Errorf("%s.class : classe d'exposition %q manquante ou invalide", where, c.Class)
	}
	if strings.TrimSpace(c.Evidence) == "" {
		return fmt.Errorf("%s.evidence : preuve manquante", where)
	}
	for name, x := range map[string]*WebExtract{"version": c.Version, "product_from": c.ProductFrom, "count": c.Count} {
		if err := x.compile(where + "." + name); err != nil {
			return err
		}
	}
	return nil
}

func (m *WebMatcher) compile(where string) error {
	set := 0
	if len(m.Status) > 0 {
		set++
	}
	if len(m.Words) > 0 {
		set++
	}
	if m.Regex != "" {
		set++
	}
	if m.JSON != "" {
		set++
	}
	if set != 1 {
		return fmt.Errorf("%s : une seule condition parmi status, words, regex et json", where)
	}
	if m.Equals != "" && m.JSON == "" {
		return fmt.Errorf("%s.equals : n'a de sens qu'avec json", where)
	}
	if err := checkPart(m.Part); err != nil {
		return fmt.Errorf("%s.part : %w", where, err)
	}
	if m.Regex != "" {
		re, err := regexp.Compile(m.Regex)
		if err != nil {
			return fmt.Errorf("%s.regex : expression invalide : %v", where, err)
		}
		m.re = re
	}
	return nil
}

func (x *WebExtract) compile(where string) error {
	if x == nil {
		return nil
	}
	if (x.JSON == "") == (x.Regex == "") {
		return fmt.Errorf("%s : json ou regex, l'un des deux", where)
	}
	if err := checkPart(x.Part); err != nil {
		return fmt.Errorf("%s.part : %w", where, err)
	}
	if x.Regex != "" {
		re, err := regexp.Compile(x.Regex)
		if err != nil || re.NumSubexp() < 1 {
			return fmt.Errorf("%s.regex : expression invalide ou sans groupe : %q", where, x.Regex)
		}
		x.re = re
	}
	return nil
}

func checkPart(p string) error {
	switch {
	case p == "", p == "body", p == "title", p == "location":
		return nil
	case strings.HasPrefix(p, "header:") && len(p) > len("header:"):
		return nil
	}
	return fmt.Errorf("partie %q inconnue (body, title, location, header:Nom)", p)
}

func validClass(id string) bool {
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return id != ""
}

// part returns the text of an answer a matcher looks at.
func (p *HTTPPage) part(name string) string {
	switch {
	case name == "" || name == "body":
		return string(p.Body)
	case name == "title":
		return p.Title
	case name == "location":
		return p.Location
	case strings.HasPrefix(name, "header:"):
		return strings.Join(p.Header.Values(name[len("header:"):]), ", ")
	}
	return ""
}

// jsonBody decodes the body once.
func (p *HTTPPage) jsonBody() (any, bool) {
	p.jsonOnce.Do(func() {
		var v any
		if json.Unmarshal(p.Body, &v) == nil {
			p.json, p.jsonOK = v, true
		}
	})
	return p.json, p.jsonOK
}

// jsonPath follows a dotted path ("software.name", "0.dicomAETitle").
func jsonPath(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// holds evaluates one matcher.
func (m *WebMatcher) holds(p *HTTPPage) bool {
	switch {
	case len(m.Status) > 0:
		return hasPort(m.Status, p.Status)
	case len(m.Words) > 0:
		text := strings.ToLower(p.part(m.Part))
		for _, w := range m.Words {
			if !strings.Contains(text, strings.ToLower(w)) {
				return false
			}
		}
		return true
	case m.re != nil:
		return m.re.MatchString(p.part(m.Part))
	case m.JSON != "":
		doc, ok := p.jsonBody()
		if !ok {
			return false
		}
		v, ok := jsonPath(doc, m.JSON)
		return ok && (m.Equals == "" || jsonText(v) == m.Equals)
	}
	return false
}

// Holds reports whether every matcher of the check holds for the answer.
func (c *WebCheck) Holds(p *HTTPPage) bool {
	if p == nil || len(c.Match) == 0 {
		return false
	}
	for i := range c.Match {
		if !c.Match[i].holds(p) {
			return false
		}
	}
	return true
}

// value extracts a short printable value (version, product, count).
func (x *WebExtract) value(p *HTTPPage, count bool) string {
	if x == nil || p == nil {
		return ""
	}
	if x.JSON != "" {
		doc, ok := p.jsonBody()
		if !ok {
			return ""
		}
		var v any
		if x.JSON == "." {
			v = doc
		} else if v, ok = jsonPath(doc, x.JSON); !ok {
			return ""
		}
		if arr, isArr := v.([]any); isArr && count {
			return strconv.Itoa(len(arr))
		}
		return printable([]byte(jsonText(v)), 60)
	}
	m := x.re.FindStringSubmatch(p.part(x.Part))
	if m == nil {
		return ""
	}
	return printable([]byte(m[1]), 60)
}

func (c *WebCheck) key(base string) string {
	return c.Method + " " + strings.ReplaceAll(c.Path, "{base}", base)
}
