package opssies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"vigie/internal/exposure"
)

// Summary is what the programme engine needs from one exposure-audit event
// of an OPSSIES file.
type Summary struct {
	// Entities are the FINESS numbers of the audited entities (role 4).
	Entities []string
	// Date is the end of the scan (dateType 7).
	Date time.Time
	// CompletePerimeter is true when the event declares a perimeter: OPSSIES
	// has no "partial" flag, a submitted audit covers its declared scope.
	CompletePerimeter bool
	// Counts are the findings by severity; always nil for OPSSIES, whose CaRE
	// D1 profile carries a level, not counts.
	Counts *exposure.Summary
	// Level is outcome.level as written in the file.
	Level int
	// NoCritical says whether the level implies zero critical findings; nil
	// when the level's convention is unknown (SILENE, CERT Santé, other tools).
	NoCritical *bool
	// Source is "SILENE", "CERT Santé" or "prestataire".
	Source string
	// EventType is the OPSSIES code (60, 28 or 29).
	EventType int
	// Provider is the SIREN or SIRET of the provider (role 2), when present.
	Provider string
	Domains  []string
	Subnets  []string
	ASNs     []string
}

// SourceName maps an OPSSIES eventType to the audit source label.
func SourceName(eventType int) (string, bool) {
	switch eventType {
	case EventSILENE:
		return "SILENE", true
	case EventCERTSante:
		return "CERT Santé", true
	case EventProvider:
		return "prestataire", true
	}
	return "", false
}

// Read parses an OPSSIES file and returns one summary per exposure-audit
// event (eventType 28, 29 or 60); other events (AD audits…) are skipped.
// Errors name the JSON path of the problem.
func Read(r io.Reader) ([]Summary, error) {
	data, err := io.ReadAll(io.LimitReader(r, 32<<20+1))
	if err != nil {
		return nil, fmt.Errorf("lecture du fichier OPSSIES : %w", err)
	}
	if len(data) > 32<<20 {
		return nil, errors.New("fichier OPSSIES trop volumineux (plus de 32 Mio)")
	}
	return Parse(data)
}

// Parse is Read on bytes.
func Parse(data []byte) ([]Summary, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("fichier OPSSIES : %w", syntaxError(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("fichier OPSSIES : contenu inattendu après le document JSON")
	}
	levels, err := Levels()
	if err != nil {
		return nil, err
	}
	loc := paris()
	top, err := object(root, "")
	if err != nil {
		return nil, err
	}
	evs, err := field(top, "events", "", true)
	if err != nil {
		return nil, err
	}
	events, err := object(evs, "events")
	if err != nil {
		return nil, err
	}
	provider := ""
	if sh, ok := events["stakeholders"]; ok {
		list, err := array(sh, "events.stakeholders")
		if err != nil {
			return nil, err
		}
		for i, s := range list {
			p := fmt.Sprintf("events.stakeholders[%d]", i)
			o, err := object(s, p)
			if err != nil {
				return nil, err
			}
			role, err := intField(o, "stakeholderRoleType", p, false)
			if err != nil {
				return nil, err
			}
			if role == RoleProvider {
				idv, err := field(o, "stakeholderId", p, true)
				if err != nil {
					return nil, err
				}
				ids, err := identifiers(idv, p+".stakeholderId")
				if err != nil {
					return nil, err
				}
				if len(ids) > 0 {
					provider = ids[0].Value
				}
			}
		}
	}
	ev, err := field(events, "event", "events", true)
	if err != nil {
		return nil, err
	}
	list, err := array(ev, "events.event")
	if err != nil {
		return nil, err
	}
	var out []Summary
	for i, e := range list {
		p := fmt.Sprintf("events.event[%d]", i)
		s, ok, err := readEvent(e, p, levels, loc)
		if err != nil {
			return nil, err
		}
		if ok {
			s.Provider = provider
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("fichier OPSSIES : aucun événement d'audit d'exposition (eventType 28, 29 ou 60) dans events.event")
	}
	return out, nil
}

func readEvent(v any, p string, levels *LevelTable, loc *time.Location) (Summary, bool, error) {
	var s Summary
	o, err := object(v, p)
	if err != nil {
		return s, false, err
	}
	et, err := intField(o, "eventType", p, true)
	if err != nil {
		return s, false, err
	}
	src, ok := SourceName(et)
	if !ok {
		return s, false, nil
	}
	s.EventType, s.Source = et, src
	if tlp, ok := o["tlp"]; ok {
		t, err := str(tlp, p+".tlp")
		if err != nil {
			return s, false, err
		}
		if t != "red" && t != "amber" && t != "green" && t != "clear" && t != "white" {
			return s, false, fmt.Errorf("%s.tlp : valeur %q inconnue (red, amber, green ou clear)", p, t)
		}
	}
	// Audited entities.
	shv, err := field(o, "stakeholders", p, true)
	if err != nil {
		return s, false, err
	}
	shs, err := array(shv, p+".stakeholders")
	if err != nil {
		return s, false, err
	}
	seen := map[string]bool{}
	for i, sh := range shs {
		sp := fmt.Sprintf("%s.stakeholders[%d]", p, i)
		so, err := object(sh, sp)
		if err != nil {
			return s, false, err
		}
		role, err := intField(so, "stakeholderRoleType", sp, true)
		if err != nil {
			return s, false, err
		}
		if role != RoleRecipient {
			continue
		}
		idv, err := field(so, "stakeholderId", sp, true)
		if err != nil {
			return s, false, err
		}
		ids, err := identifiers(idv, sp+".stakeholderId")
		if err != nil {
			return s, false, err
		}
		for j, id := range ids {
			if id.Type != IDFINESSGeo && id.Type != IDFINESSLegal {
				continue
			}
			if len(id.Value) != 9 || !finessChars(id.Value) {
				return s, false, fmt.Errorf("%s.stakeholderId[%d].__text : %q n'est pas un numéro FINESS (9 caractères, chiffres)", sp, j, id.Value)
			}
			if !seen[id.Value] {
				seen[id.Value] = true
				s.Entities = append(s.Entities, id.Value)
			}
		}
	}
	if len(s.Entities) == 0 {
		return s, false, fmt.Errorf("%s.stakeholders : aucune entité auditée (rôle 4) identifiée par un FINESS", p)
	}
	sort.Strings(s.Entities)
	// Date of the end of scan.
	dv, err := field(o, "dates", p, true)
	if err != nil {
		return s, false, err
	}
	dates, err := array(dv, p+".dates")
	if err != nil {
		return s, false, err
	}
	for i, d := range dates {
		dp := fmt.Sprintf("%s.dates[%d]", p, i)
		do, err := object(d, dp)
		if err != nil {
			return s, false, err
		}
		t, err := intField(do, "dateType", dp, true)
		if err != nil {
			return s, false, err
		}
		tv, err := field(do, "__text", dp, true)
		if err != nil {
			return s, false, err
		}
		text, err := str(tv, dp+".__text")
		if err != nil {
			return s, false, err
		}
		if t != DateEffective {
			continue
		}
		when, err := time.ParseInLocation(DateLayout, text, loc)
		if err != nil {
			return s, false, fmt.Errorf("%s.__text : date %q invalide (attendu AAAAMMJJ-HHMMSS)", dp, text)
		}
		s.Date = when
	}
	if s.Date.IsZero() {
		return s, false, fmt.Errorf("%s.dates : date de fin d'audit (dateType 7) absente", p)
	}
	// Outcome.
	ov, err := field(o, "outcome", p, true)
	if err != nil {
		return s, false, err
	}
	oo, err := object(ov, p+".outcome")
	if err != nil {
		return s, false, err
	}
	if s.Level, err = intField(oo, "level", p+".outcome", true); err != nil {
		return s, false, err
	}
	if et == EventProvider {
		if free, ok := levels.CriticalFree(s.Level); ok {
			s.NoCritical = &free
		}
	}
	// Perimeter.
	if sv, ok := o["scopes"]; ok {
		scopes, err := array(sv, p+".scopes")
		if err != nil {
			return s, false, err
		}
		for i, sc := range scopes {
			sp := fmt.Sprintf("%s.scopes[%d]", p, i)
			so, err := object(sc, sp)
			if err != nil {
				return s, false, err
			}
			for _, f := range []struct {
				name string
				dst  *[]string
			}{{"domains", &s.Domains}, {"subnetIpV4s", &s.Subnets}, {"subnetIpV6s", &s.Subnets}, {"autonomousSystemNumbers", &s.ASNs}} {
				lv, ok := so[f.name]
				if !ok {
					continue
				}
				items, err := array(lv, sp+"."+f.name)
				if err != nil {
					return s, false, err
				}
				for j, it := range items {
					v, err := str(it, fmt.Sprintf("%s.%s[%d]", sp, f.name, j))
					if err != nil {
						return s, false, err
					}
					*f.dst = append(*f.dst, v)
				}
			}
		}
	}
	s.CompletePerimeter = len(s.Domains)+len(s.Subnets)+len(s.ASNs) > 0
	return s, true, nil
}

func finessChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && !(i == 1 && (c == 'A' || c == 'B')) {
			return false
		}
	}
	return true
}

// identifiers reads stakeholderId, an object or a list of objects.
func identifiers(v any, p string) ([]Identifier, error) {
	var items []any
	var paths []string
	switch t := v.(type) {
	case map[string]any:
		items, paths = []any{t}, []string{p}
	case []any:
		items = t
		for i := range t {
			paths = append(paths, fmt.Sprintf("%s[%d]", p, i))
		}
	default:
		return nil, fmt.Errorf("%s : attendu un objet ou un tableau, trouvé %s", p, kind(v))
	}
	var out []Identifier
	for i, it := range items {
		o, err := object(it, paths[i])
		if err != nil {
			return nil, err
		}
		t, err := intField(o, "stakeholderIdType", paths[i], true)
		if err != nil {
			return nil, err
		}
		tv, err := field(o, "__text", paths[i], true)
		if err != nil {
			return nil, err
		}
		text, err := str(tv, paths[i]+".__text")
		if err != nil {
			return nil, err
		}
		out = append(out, Identifier{Type: t, Value: strings.TrimSpace(text)})
	}
	return out, nil
}

func join(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

func field(o map[string]any, name, p string, required bool) (any, error) {
	v, ok := o[name]
	if !ok && required {
		return nil, fmt.Errorf("%s : champ obligatoire manquant", join(p, name))
	}
	return v, nil
}

func object(v any, p string) (map[string]any, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s : attendu un objet, trouvé %s", nonEmpty(p, "racine du document"), kind(v))
	}
	return o, nil
}

func array(v any, p string) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s : attendu un tableau, trouvé %s", p, kind(v))
	}
	return a, nil
}

func str(v any, p string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s : attendu une chaîne, trouvé %s", p, kind(v))
	}
	return s, nil
}

// intField reads an integer field; a missing optional field is 0.
func intField(o map[string]any, name, p string, required bool) (int, error) {
	v, ok := o[name]
	if !ok {
		if required {
			return 0, fmt.Errorf("%s : champ obligatoire manquant", join(p, name))
		}
		return 0, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s : attendu un entier, trouvé %s", join(p, name), kind(v))
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, fmt.Errorf("%s : %s n'est pas un entier valide", join(p, name), n)
	}
	return int(f), nil
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "un objet"
	case []any:
		return "un tableau"
	case string:
		return "une chaîne"
	case bool:
		return "un booléen"
	case json.Number:
		return "un nombre"
	}
	return fmt.Sprintf("%T", v)
}

func syntaxError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := 1, 1
		for i := int64(0); i < syn.Offset && i < int64(len(data)); i++ {
			if data[i] == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
		return fmt.Errorf("JSON invalide ligne %d, colonne %d : %v", line, col, syn)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("document JSON vide ou tronqué")
	}
	return fmt.Errorf("JSON invalide : %v", err)
}
