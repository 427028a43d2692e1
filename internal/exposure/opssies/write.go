package opssies

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"time"

	"vigie/internal/exposure"
)

// Params are the facts an OPSSIES file needs beyond the audit itself.
type Params struct {
	// ProviderSIREN identifies the provider running the audit (9 digits, Luhn).
	ProviderSIREN string
	// ProviderName is the provider's legal name; ProviderShortName its short
	// name (defaults to ProviderName).
	ProviderName      string
	ProviderShortName string
	// Entity is the FINESS of the audited entity; EntityKind says whether it
	// is a legal FINESS ("EJ", the default) or a geographic one ("EG").
	Entity     string
	EntityKind string
	EntityName string
	// EntityIsGroup marks a GHT/GCS (stakeholderType 2) instead of a site (1).
	EntityIsGroup bool
	// Requester is the legal FINESS of the requesting GHT or EJ; it defaults to
	// Entity when Entity is an EJ, and is omitted otherwise.
	Requester     string
	RequesterName string
	// RequesterIsGroup marks the requester as a GHT/GCS (stakeholderType 2).
	RequesterIsGroup bool
	// Location is the time zone of the dates (default Europe/Paris, UTC if the
	// system lacks time zone data).
	Location *time.Location
	// AllowIncomplete lets an audit that did not cover the whole declared
	// perimeter be written (the ministry expects the whole perimeter).
	AllowIncomplete bool
}

// Build turns an audit into an OPSSIES CaRE D1 document with one event.
func Build(a *exposure.Audit, p Params) (*Document, error) {
	if a == nil {
		return nil, errors.New("audit absent")
	}
	siren, err := ParseSIREN(p.ProviderSIREN)
	if err != nil {
		return nil, fmt.Errorf("prestataire : %w", err)
	}
	entity, err := ParseFINESS(p.Entity)
	if err != nil {
		return nil, fmt.Errorf("entité auditée : %w", err)
	}
	idType := IDFINESSLegal
	switch strings.ToUpper(strings.TrimSpace(p.EntityKind)) {
	case "", "EJ":
	case "EG", "ET":
		idType = IDFINESSGeo
	default:
		return nil, fmt.Errorf("type d'entité %q inconnu (attendu EJ ou EG)", p.EntityKind)
	}
	if a.FinishedAt.IsZero() {
		return nil, errors.New("audit sans date de fin de scan (finished_at)")
	}
	if !a.Complete && !p.AllowIncomplete {
		return nil, errors.New("audit incomplet : le périmètre déclaré n'a pas été entièrement scanné ; le fichier OPSSIES doit porter sur tout le périmètre")
	}
	scope, err := buildScope(a.Perimeter)
	if err != nil {
		return nil, err
	}
	levels, err := Levels()
	if err != nil {
		return nil, err
	}
	loc := p.Location
	if loc == nil {
		loc = paris()
	}
	counts := exposure.Summarize(a.Findings)

	providerName := nonEmpty(p.ProviderName, "Prestataire "+siren)
	doc := &Document{Events: Events{
		Stakeholders: []Stakeholder{
			{
				ID:    Identifier{Type: IDSIREN, Value: siren},
				Names: []Name{{NameShort, nonEmpty(p.ProviderShortName, providerName)}, {NameLegal, providerName}},
				Type:  TypeThirdParty, Role: RoleProvider,
			},
			{
				ID:    Identifier{Type: IDSIRET, Value: ansID},
				Names: []Name{{NameShort, ansShortName}, {NameLegal, ansLegalName}},
				Type:  TypeGroup, Role: RoleAuditor,
			},
		},
	}}
	requester := p.Requester
	if requester == "" && idType == IDFINESSLegal {
		requester = entity
	}
	if requester != "" {
		rq, err := ParseFINESS(requester)
		if err != nil {
			return nil, fmt.Errorf("demandeur : %w", err)
		}
		name := nonEmpty(p.RequesterName, nonEmpty(p.EntityName, "FINESS "+rq))
		doc.Events.Stakeholders = append(doc.Events.Stakeholders, Stakeholder{
			ID:    Identifier{Type: IDFINESSLegal, Value: rq},
			Names: []Name{{NameShort, name}, {NameLegal, name}},
			Type:  groupOrSite(p.RequesterIsGroup || (p.Requester == "" && p.EntityIsGroup)), Role: RoleRequester,
		})
	}
	entityName := nonEmpty(p.EntityName, "FINESS "+entity)
	doc.Events.Event = []Event{{
		Stakeholders: []EventStakeholder{{
			IDs:   []Identifier{{Type: idType, Value: entity}},
			Names: []Name{{NameShort, entityName}, {NameLegal, entityName}},
			Type:  groupOrSite(p.EntityIsGroup),
			Role:  RoleRecipient,
		}},
		Dates:             []Date{{Type: DateEffective, Value: a.FinishedAt.In(loc).Format(DateLayout)}},
		Scopes:            []Scope{scope},
		Outcome:           Outcome{Level: levels.Level(counts).Level},
		TLP:               TLPAmber,
		EventAnalysisType: AnalysisCaReD1,
		EventType:         EventProvider,
	}}
	return doc, nil
}

// Write builds the document and writes it as indented JSON.
func Write(w io.Writer, a *exposure.Audit, p Params) error {
	doc, err := Build(a, p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("écriture du fichier OPSSIES : %w", err)
	}
	return nil
}

var companyName = regexp.MustCompile(`[^A-Z0-9]+`)

// unaccent folds the accented letters of French names to ASCII.
var unaccent = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y",
	"À", "A", "Â", "A", "Ä", "A", "Ç", "C", "É", "E", "È", "E", "Ê", "E", "Ë", "E",
	"Î", "I", "Ï", "I", "Ô", "O", "Ö", "O", "Ù", "U", "Û", "U", "Ü", "U", "Œ", "OE", "œ", "oe",
)

// FileName is the name the ministry expects: SOCIETE-D1-AAAAMMJJ-HHMMSS.json,
// the timestamp being when the file is generated, in Paris time.
func FileName(company string, generated time.Time) string {
	c := strings.Trim(companyName.ReplaceAllString(strings.ToUpper(unaccent.Replace(company)), ""), "-")
	if c == "" {
		c = "SOCIETE"
	}
	return c + "-D1-" + generated.In(paris()).Format(DateLayout) + ".json"
}

// buildScope maps the declared perimeter onto OPSSIES scopes: domains (and
// declared host names), IPv4/IPv6 subnets (a bare address becomes /32 or
// /128), ASNs as "AS<n>"; functional context 6 "Infrastructures" by default.
func buildScope(pm exposure.Perimeter) (Scope, error) {
	s := Scope{FunctionalContexts: []FunctionalContext{{Category: FunctionalInfrastructures, Text: "Infrastructures"}}}
	seen := map[string]bool{}
	addDomain := func(d string) {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d != "" && !seen[d] {
			seen[d] = true
			s.Domains = append(s.Domains, d)
		}
	}
	for _, d := range pm.Domains {
		addDomain(d)
	}
	nets := append([]string(nil), pm.Networks...)
	for _, h := range pm.Hosts {
		if _, err := netip.ParseAddr(h); err == nil {
			nets = append(nets, h)
		} else {
			addDomain(h)
		}
	}
	for _, a := range pm.ASNs {
		s.AutonomousSystemNumbers = append(s.AutonomousSystemNumbers, fmt.Sprintf("AS%d", a.Number))
		nets = append(nets, a.Prefixes...)
	}
	for i, n := range nets {
		pfx, err := parsePrefix(n)
		if err != nil {
			return Scope{}, fmt.Errorf("périmètre, réseau %d (%q) : %w", i+1, n, err)
		}
		str := pfx.String()
		if seen[str] {
			continue
		}
		seen[str] = true
		if pfx.Addr().Is4() {
			s.SubnetIPv4s = append(s.SubnetIPv4s, str)
		} else {
			s.SubnetIPv6s = append(s.SubnetIPv6s, str)
		}
	}
	if len(s.Domains)+len(s.SubnetIPv4s)+len(s.SubnetIPv6s)+len(s.AutonomousSystemNumbers) == 0 {
		return Scope{}, errors.New("périmètre vide : aucun domaine, réseau ni ASN déclaré")
	}
	sort.Strings(s.Domains)
	sort.Strings(s.SubnetIPv4s)
	sort.Strings(s.SubnetIPv6s)
	return s, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("préfixe CIDR invalide")
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("adresse IP invalide")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func groupOrSite(group bool) int {
	if group {
		return TypeGroup
	}
	return TypeSite
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// paris returns the Europe/Paris zone, or UTC when the system has no zone data.
func paris() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}
