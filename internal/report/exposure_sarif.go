package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"

	"vigie/internal/exposure"
)

// SARIF 2.1.0 subset written by ExposureSARIF.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool          `json:"tool"`
	Invocations []sarifInvocation  `json:"invocations,omitempty"`
	Results     []sarifResult      `json:"results"`
	Properties  map[string]any     `json:"properties,omitempty"`
	Artifacts   []sarifArtifactRef `json:"artifacts,omitempty"`
}

type sarifArtifactRef struct {
	Location sarifArtifactLocation `json:"location"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Language       string      `json:"language,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	Help                 *sarifText     `json:"help,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	StartTimeUTC        string `json:"startTimeUtc,omitempty"`
	EndTimeUTC          string `json:"endTimeUtc,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s exposure.Severity) string {
	switch s {
	case exposure.Critical, exposure.High:
		return "error"
	case exposure.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the numeric score GitHub code scanning reads.
func securitySeverity(s exposure.Severity) string {
	switch s {
	case exposure.Critical:
		return "9.5"
	case exposure.High:
		return "8.0"
	case exposure.Medium:
		return "5.5"
	case exposure.Low:
		return "2.0"
	}
	return "0.0"
}

// ArtifactURI maps a network finding onto a SARIF artifact: tcp://host:port
// (IPv6 in brackets), or tcp://host when there is no port.
func ArtifactURI(f exposure.Finding) string {
	u := url.URL{Scheme: "tcp", Host: target(f)}
	return u.String()
}

// ExposureSARIF writes the audit as a SARIF 2.1.0 log: one rule per check id,
// one result per finding located at tcp://host:port, with a partial
// fingerprint equal to the stable finding id.
func ExposureSARIF(w io.Writer, a *exposure.Audit) error {
	fs := sortedFindings(a.Findings)
	ruleIdx := map[string]int{}
	var rules []sarifRule
	var ids []string
	first := map[string]exposure.Finding{}
	for _, f := range fs {
		if _, ok := first[f.ID]; !ok {
			first[f.ID] = f
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		f := first[id]
		ruleIdx[id] = len(rules)
		r := sarifRule{
			ID: id, Name: id,
			ShortDescription:     sarifText{Text: nonEmptyText(f.Title, id)},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(f.Severity)},
			Properties:           map[string]any{"security-severity": securitySeverity(f.Severity), "tags": []string{"security", "exposure"}},
		}
		if f.Remediation != "" {
			r.Help = &sarifText{Text: f.Remediation}
		}
		rules = append(rules, r)
	}
	results := make([]sarifResult, 0, len(fs))
	artifacts := map[string]bool{}
	var arts []sarifArtifactRef
	for _, f := range fs {
		msg := f.Title
		if msg == "" {
			msg = f.ID
		}
		if f.Evidence != "" {
			msg += " — " + f.Evidence
		}
		uri := ArtifactURI(f)
		if !artifacts[uri] {
			artifacts[uri] = true
			arts = append(arts, sarifArtifactRef{Location: sarifArtifactLocation{URI: uri}})
		}
		props := map[string]any{
			"severity": string(f.Severity), "severity_fr": f.Severity.French(),
			"confidence": string(f.Confidence), "host": f.Host,
		}
		if f.Port != 0 {
			props["port"] = strconv.Itoa(f.Port) + "/tcp"
		}
		if len(f.CVEs) > 0 {
			props["cves"] = f.CVEs
		}
		if f.Remediation != "" {
			props["remediation"] = f.Remediation
		}
		results = append(results, sarifResult{
			RuleID: f.ID, RuleIndex: ruleIdx[f.ID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: msg},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactLocation{URI: uri}}}},
			PartialFingerprints: map[string]string{"vigieFindingId/v1": FindingID(f)},
			Properties:          props,
		})
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	run := sarifRun{
		Tool:      sarifTool{Driver: sarifDriver{Name: "Vigie", Language: "fr-FR", Rules: rules}},
		Results:   results,
		Artifacts: arts,
		Properties: map[string]any{
			"complete_perimeter": a.Complete,
		},
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	if !a.StartedAt.IsZero() {
		inv.StartTimeUTC = a.StartedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	if !a.FinishedAt.IsZero() {
		inv.EndTimeUTC = a.FinishedAt.UTC().Format("2006-01-02T15:04:05Z")
	}
	run.Invocations = []sarifInvocation{inv}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("écriture SARIF : %w", err)
	}
	return nil
}

func nonEmptyText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
