// Package frenchtest checks, in tests, that text written for people reads
// as French: dates JJ/MM/AAAA rather than ISO, plurals agreed rather than
// « (s) ». Machine formats (JSON, CSV values, HTML attributes) keep ISO
// dates and are not checked.
package frenchtest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var (
	// isoDate is an AAAA-MM-JJ date standing alone.
	isoDate = regexp.MustCompile(`\b(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]\b`)
	// parenPlural is a word with its plural or feminine in brackets:
	// « audit(s) », « validé(e)(s) », « réseau(x) ».
	parenPlural = regexp.MustCompile(`\p{L}+\((e\)\(s|es|e|s|x)\)`)
	// markup is what an HTML page holds for machines: script and style
	// bodies, tags with their attributes.
	markup = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>|<[^>]*>`)
)

// Problems lists, one per line of text, what does not read as French.
func Problems(text string) []string {
	var out []string
	for i, line := range strings.Split(text, "\n") {
		for _, m := range isoDate.FindAllString(line, -1) {
			out = append(out, fmt.Sprintf("ligne %d : date ISO %q au lieu de JJ/MM/AAAA : %s", i+1, m, strings.TrimSpace(line)))
		}
		for _, m := range parenPlural.FindAllString(line, -1) {
			out = append(out, fmt.Sprintf("ligne %d : %q au lieu d'un pluriel accordé : %s", i+1, m, strings.TrimSpace(line)))
		}
	}
	return out
}

// Check fails tb for each problem of text, naming what produced it.
func Check(tb testing.TB, what, text string) {
	tb.Helper()
	if strings.TrimSpace(text) == "" {
		tb.Errorf("%s : aucun texte à vérifier", what)
		return
	}
	for _, p := range Problems(text) {
		tb.Errorf("%s : %s", what, p)
	}
}

// CheckHTML is Check on the text of an HTML page: tags, attributes,
// scripts and styles are machine data and left out.
func CheckHTML(tb testing.TB, what, page string) {
	tb.Helper()
	Check(tb, what, markup.ReplaceAllString(page, " "))
}
