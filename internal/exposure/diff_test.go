package exposure

import "testing"

func keys(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key())
	}
	return out
}

func TestDiff(t *testing.T) {
	a := &Audit{Findings: []Finding{
		{ID: "rdp-exposed", Host: "10.0.0.1", Port: 3389, Severity: Critical},
		{ID: "tls-self-signed", Host: "10.0.0.2", Port: 443, Severity: Low},
		{ID: "redis-exposed", Host: "10.0.0.3", Port: 6379, Severity: High},
	}}
	b := &Audit{Findings: []Finding{
		{ID: "tls-self-signed", Host: "10.0.0.2", Port: 443, Severity: Medium},
		{ID: "redis-exposed", Host: "10.0.0.3", Port: 6379, Severity: High},
		{ID: "redis-exposed", Host: "10.0.0.3", Port: 6380, Severity: High},
		{ID: "smb-exposed", Host: "10.0.0.9", Port: 445, Severity: Critical},
	}}
	d := Diff(a, b)
	want := map[string][]string{
		"new":   {"10.0.0.9|445/tcp|smb-exposed", "10.0.0.3|6380/tcp|redis-exposed"},
		"fixed": {"10.0.0.1|3389/tcp|rdp-exposed"},
		"open":  {"10.0.0.3|6379/tcp|redis-exposed", "10.0.0.2|443/tcp|tls-self-signed"},
	}
	got := map[string][]string{"new": keys(d.New), "fixed": keys(d.Fixed), "open": keys(d.StillOpen)}
	for k, w := range want {
		if len(got[k]) != len(w) {
			t.Fatalf("%s: got %v want %v", k, got[k], w)
		}
		for i := range w {
			if got[k][i] != w[i] {
				t.Errorf("%s[%d]: got %s want %s", k, i, got[k][i], w[i])
			}
		}
	}
	if len(d.Changed) != 1 || d.Changed[0].Before != Low || d.Changed[0].After != Medium {
		t.Errorf("changed %+v", d.Changed)
	}
	// Against nothing, everything is new; reversed, everything is fixed.
	if d := Diff(nil, b); len(d.New) != 4 || len(d.Fixed) != 0 {
		t.Errorf("nil previous: %+v", d)
	}
	if d := Diff(b, nil); len(d.Fixed) != 4 || len(d.New) != 0 {
		t.Errorf("nil current: %+v", d)
	}
}
