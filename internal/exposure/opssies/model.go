// Package opssies writes and reads the OPSSIES v0.13 "CaRE D1" JSON file that
// accredited providers submit to the ministry for each internet exposure
// audit (eventAnalysisType 5, eventType 29), and reads the same profile from
// SILENE (eventType 60) and CERT Santé (eventType 28) events.
package opssies

// Codes of the OPSSIES v0.13 reference lists used by the CaRE D1 profile.
const (
	AnalysisCaReD1 = 5 // eventAnalysisType: CaRE D1

	EventCERTSante = 28 // eventType: CERT Santé cybersurveillance audit
	EventProvider  = 29 // eventType: external exposure audit by a private provider
	EventSILENE    = 60 // eventType: ANSSI SILENE audit

	DateEffective = 7 // dateType: effective completion (end of scan)

	IDFINESSGeo   = 2 // stakeholderIdType: FINESS géographique (EG)
	IDFINESSLegal = 3 // stakeholderIdType: FINESS juridique (EJ)
	IDSIREN       = 4
	IDSIRET       = 5

	TypeSite       = 1 // stakeholderType: establishment / site
	TypeGroup      = 2 // stakeholderType: group (GHT, GCS) or public body
	TypeThirdParty = 3 // stakeholderType: third party (provider)

	RoleRequester = 1
	RoleProvider  = 2
	RoleAuditor   = 3
	RoleRecipient = 4

	NameShort = 1 // stakeholderNameType: abbreviated name
	NameLegal = 2 // stakeholderNameType: legal name

	FunctionalInfrastructures = 6 // functionalContextCategory: "Infrastructures" (default)

	TLPAmber = "amber"

	// DateLayout is the AAAAMMJJ-HHMMSS format of OPSSIES dates.
	DateLayout = "20060102-150405"
)

// ANS identifiers as written in the official CaRE D1 example instance.
const (
	ansID        = "187512751"
	ansShortName = "ANS"
	ansLegalName = "Agence du Numérique en Santé"
)

// Document is an OPSSIES file.
type Document struct {
	Events Events `json:"events"`
}

// Events holds the stakeholders shared by every event and the events.
type Events struct {
	Stakeholders []Stakeholder `json:"stakeholders"`
	Event        []Event       `json:"event"`
}

// Stakeholder is an actor shared by all events (one identifier).
type Stakeholder struct {
	ID    Identifier `json:"stakeholderId"`
	Names []Name     `json:"stakeholderNameTypes"`
	Type  int        `json:"stakeholderType"`
	Role  int        `json:"stakeholderRoleType"`
}

// EventStakeholder is an actor of one event (a list of identifiers).
type EventStakeholder struct {
	IDs   []Identifier `json:"stakeholderId"`
	Names []Name       `json:"stakeholderNameTypes"`
	Type  int          `json:"stakeholderType"`
	Role  int          `json:"stakeholderRoleType"`
}

// Identifier is a typed identifier (FINESS, SIREN, SIRET…), digits only.
type Identifier struct {
	Type  int    `json:"stakeholderIdType"`
	Value string `json:"__text"`
}

// Name is a typed name.
type Name struct {
	Type  int    `json:"stakeholderNameType"`
	Value string `json:"__text"`
}

// Event is one audit.
type Event struct {
	Stakeholders      []EventStakeholder `json:"stakeholders"`
	Dates             []Date             `json:"dates"`
	Scopes            []Scope            `json:"scopes"`
	Outcome           Outcome            `json:"outcome"`
	TLP               string             `json:"tlp"`
	EventAnalysisType int                `json:"eventAnalysisType"`
	EventType         int                `json:"eventType"`
}

// Date is a typed date in DateLayout.
type Date struct {
	Type  int    `json:"dateType"`
	Value string `json:"__text"`
}

// Scope is the audited perimeter and its context.
type Scope struct {
	FunctionalContexts      []FunctionalContext `json:"functionalContexts,omitempty"`
	AutonomousSystemNumbers []string            `json:"autonomousSystemNumbers,omitempty"`
	Domains                 []string            `json:"domains,omitempty"`
	SubnetIPv4s             []string            `json:"subnetIpV4s,omitempty"`
	SubnetIPv6s             []string            `json:"subnetIpV6s,omitempty"`
}

// FunctionalContext describes what the perimeter serves.
type FunctionalContext struct {
	Category                 int    `json:"functionalContextCategory"`
	Text                     string `json:"__text"`
	IsPersonalData           bool   `json:"isPersonalData"`
	IsPersonalHealthcareData bool   `json:"isPersonalHealthcareData"`
	UserCount                int    `json:"userCount"`
}

// Outcome carries the CaRE D1 compliance index.
type Outcome struct {
	Level int `json:"level"`
}
