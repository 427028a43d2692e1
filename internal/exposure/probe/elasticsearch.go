package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"vigie/internal/exposure"
)

// Elasticsearch reads GET / and GET /_cat/indices without credentials.
type Elasticsearch struct{}

// Name implements Prober.
func (Elasticsearch) Name() string { return "elasticsearch" }

// Ports implements Prober.
func (Elasticsearch) Ports() []int { return []int{9200} }

// ESInfo is the root document of an Elasticsearch (or OpenSearch) node.
type ESInfo struct {
	Name        string `json:"name"`
	ClusterName string `json:"cluster_name"`
	Version     struct {
		Number       string `json:"number"`
		Distribution string `json:"distribution"`
	} `json:"version"`
	Tagline string `json:"tagline"`
}

// ParseESInfo decodes GET / and checks it is Elasticsearch or OpenSearch.
func ParseESInfo(b []byte) (*ESInfo, error) {
	var i ESInfo
	if err := json.Unmarshal(b, &i); err != nil || i.ClusterName == "" || i.Version.Number == "" {
		return nil, ErrNoMatch
	}
	return &i, nil
}

// Probe implements Prober.
func (Elasticsearch) Probe(ctx context.Context, t Target) (*Result, error) {
	p, err := get(ctx, t, false, "/")
	if err != nil {
		return nil, err
	}
	if r := elasticFromPage(ctx, t, false, p); r != nil {
		return r, nil
	}
	return nil, ErrNoMatch
}

// elasticFromPage recognises an Elasticsearch (or OpenSearch) node from its
// answer to GET /, then reads /_cat/indices without credentials; nil when
// the page is something else.
func elasticFromPage(ctx context.Context, t Target, useTLS bool, p *HTTPPage) *Result {
	if p.Status == 401 && bytes.Contains(bytes.ToLower([]byte(p.Header.Get("WWW-Authenticate"))), []byte("elasticsearch")) {
		r := &Result{Service: "elasticsearch", Product: "Elasticsearch", Banner: "HTTP 401, authentification exigée", TLS: useTLS || t.TLS}
		r.observe(exposure.ClassHTTPExposed, exposure.Confirmed, "Elasticsearch exige une authentification")
		return r
	}
	if p.Status != 200 {
		return nil
	}
	info, err := ParseESInfo(p.Body)
	if err != nil {
		return nil
	}
	r := &Result{Service: "elasticsearch", Product: "Elasticsearch", Version: printable([]byte(info.Version.Number), 20), TLS: useTLS || t.TLS}
	if info.Version.Distribution == "opensearch" {
		r.Product = "OpenSearch"
	}
	r.Banner = fmt.Sprintf("cluster « %s », version %s", printable([]byte(info.ClusterName), 60), r.Version)
	ev := "GET / sans authentification : " + r.Banner
	if ip, err := get(ctx, t, useTLS, "/_cat/indices?h=index"); err == nil && ip.Status == 200 {
		n := 0
		for _, l := range bytes.Split(bytes.TrimSpace(ip.Body), []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				n++
			}
		}
		ev += fmt.Sprintf(" ; /_cat/indices lisible (%d index)", n)
	}
	r.observe(exposure.ClassElasticNoAuth, exposure.Confirmed, ev)
	r.versionObservation()
	return r
}
