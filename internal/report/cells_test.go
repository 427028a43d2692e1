package report

import "testing"

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33 1": "'+33 1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		" =HYPERLINK(\"http://x\")": "' =HYPERLINK(\"http://x\")", "\t=1": "'\t=1", "\r\n=1": "'\r\n=1", "\n=1": "'\n=1",
		"\u00a0=1": "'\u00a0=1", "\u3000+1": "'\u3000+1",
		"＝1+1": "'＝1+1", "＋1": "'＋1", "－1": "'－1", "＠x": "'＠x", "  ＝x": "'  ＝x",
		"\tTexte":       "'\tTexte",
		"CH de Valmont": "CH de Valmont", "": "", "   ": "   ", "2025-06-15": "2025-06-15", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
