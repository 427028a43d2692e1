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

// countedNouns matches a count followed by words carrying "(s)".
var countedNouns = regexp.MustCompile(`(\d+)((?:[\s\x{a0}\x{202f}]+[\p{L}'’-]+\(s\))+)`)

// kitNames are the crisis exercise kit levels as stored, in sentences.
var kitNames = strings.NewReplacer("kit debutant", "kit débutant", "kit intermediaire", "kit intermédiaire", "kit confirme", "kit confirmé")

// frText finishes a French sentence built by the programme engine for
// people: ISO dates become JJ/MM/AAAA and « 1 audit(s) » agrees with its
// count (« 1 audit », « 3 audits »).
func frText(s string) string {
	s = frenchDates(s)
	if strings.Contains(s, "kit ") {
		s = kitNames.Replace(s)
	}
	if !strings.Contains(s, "(s)") {
		return s
	}
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

// frenchDates rewrites the ISO dates (AAAA-MM-JJ, not inside a longer
// run of digits or letters) of a sentence as JJ/MM/AAAA.
func frenchDates(s string) string {
	if strings.IndexByte(s, '-') < 0 {
		return s
	}
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	word := func(i int) bool {
		return i >= 0 && i < len(s) && (digit(i) || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z')
	}
	var b strings.Builder
	last := 0
	for i := 0; i+10 <= len(s); i++ {
		if s[i+4] != '-' || s[i+7] != '-' || word(i-1) || word(i+10) {
			continue
		}
		ok := true
		for _, k := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
			ok = ok && digit(i+k)
		}
		if !ok {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		b.WriteString(s[i+8 : i+10])
		b.WriteByte('/')
		b.WriteString(s[i+5 : i+7])
		b.WriteByte('/')
		b.WriteString(s[i : i+4])
		last = i + 10
		i += 9
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
