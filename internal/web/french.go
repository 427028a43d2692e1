package web

import (
	"regexp"
	"strconv"
	"strings"
)

// plural writes a count with the singular or plural form of its noun, as
// French does (0 and 1 take the singular): « 1 audit », « 3 audits ».
func plural(n int, one, many string) string {
	if n <= 1 && n >= -1 {
		return intFr(n) + " " + one
	}
	return intFr(n) + " " + many
}

// intFr writes an integer with French digit grouping (narrow no-break
// spaces): 12 345.
func intFr(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// decimalFr writes a number with a decimal comma and at most digits
// decimals, trailing zeros removed: 2,5 ; 0,75 ; 3.
func decimalFr(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err == nil {
		whole = intFr(n)
		if n == 0 && strings.HasPrefix(s, "-") {
			whole = "-0"
		}
	}
	if hasFrac {
		return whole + "," + frac
	}
	return whole
}

// isoDate matches an ISO date written inside a sentence.
var isoDate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)

// countedNouns matches a count followed by words carrying "(s)".
var countedNouns = regexp.MustCompile(`(\d+)((?:[\s\x{a0}\x{202f}]+[\p{L}'’-]+\(s\))+)`)

// kitNames are the crisis exercise kit levels as stored, in sentences.
var kitNames = strings.NewReplacer("kit debutant", "kit débutant", "kit intermediaire", "kit intermédiaire", "kit confirme", "kit confirmé")

// frText finishes a French sentence built by the programme engine for
// people: ISO dates become JJ/MM/AAAA and « 1 audit(s) » agrees with its
// count (« 1 audit », « 3 audits »).
func frText(s string) string {
	s = isoDate.ReplaceAllString(s, "$3/$2/$1")
	s = kitNames.Replace(s)
	return countedNouns.ReplaceAllStringFunc(s, func(m string) string {
		sub := countedNouns.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		suffix := ""
		if n > 1 {
			suffix = "s"
		}
		return sub[1] + strings.ReplaceAll(sub[2], "(s)", suffix)
	})
}
