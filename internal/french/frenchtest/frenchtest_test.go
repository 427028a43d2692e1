package frenchtest

import (
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	for text, want := range map[string][]string{
		"audit du 15/06/2025, 3 audits":            nil,
		"audit du 2025-06-15":                      {"date ISO"},
		"3 audit(s)\n1 validé(e)(s) ; 2 réseau(x)": {"audit(s)", "validé(e)(s)", "réseau(x)"},
		"preuves : ad-valmont@2024-06-03":          {"date ISO"},
		"preuves : silene-2024-06, f (s)":          nil,
		"version 12025-06-150 ; 2025-6-15":         nil,
		"du 2025-06-15 au 2025-06-30":              {"2025-06-15", "2025-06-30"},
	} {
		got := Problems(text)
		if len(got) != len(want) {
			t.Errorf("%q: %q, want %d problems", text, got, len(want))
			continue
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%q: %q lacks %q", text, got[i], w)
			}
		}
	}
}

func TestCheckHTMLIgnoresMarkup(t *testing.T) {
	page := `<style>a{x:y}</style><time datetime="2025-06-15">15/06/2025</time><script>var d="2025-06-15"</script><p>2 audits</p>`
	if p := Problems(markup.ReplaceAllString(page, " ")); p != nil {
		t.Errorf("markup checked: %q", p)
	}
	if p := Problems(markup.ReplaceAllString(`<td>2025-06-15</td>`, " ")); len(p) != 1 {
		t.Errorf("text not checked: %q", p)
	}
}
