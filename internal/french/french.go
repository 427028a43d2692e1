// Package french writes the small pieces of French text every report,
// page and message shares: a count with its noun agreed (« 1 audit »,
// « 3 audits », never « audit(s) »), numbers with French digit grouping
// and decimal comma, lists joined with « et » or « ou », and sentences
// whose ISO dates are rewritten JJ/MM/AAAA.
//
// It is a leaf package (standard library only): domain packages, the
// store, the web application and the command line all use it. Calendar
// dates are formatted by civil.Date.French.
package french

import (
	"strconv"
	"strings"
)

// Plural writes a count with its noun agreed: Plural(1, "audit", "audits")
// is « 1 audit », Plural(3, …) « 3 audits ». As in French, 0 and 1 (and -1)
// take the singular. one and many may hold several words that agree with
// the count: Plural(2, "port ouvert", "ports ouverts"). The count is
// written with Int (digit groups).
func Plural(n int, one, many string) string {
	return Int(n) + " " + Agree(n, one, many)
}

// Agree returns one when n takes the singular in French (-1, 0 and 1),
// else many: « dans 3 jours » is "dans %d " + Agree(3, "jour", "jours").
func Agree(n int, one, many string) string {
	if n <= 1 && n >= -1 {
		return one
	}
	return many
}

// groupSep separates digit groups: a narrow no-break space, as the French
// typographic rule and CLDR's fr locale write them (12 345).
const groupSep = "\u202f"

// Int writes an integer with French digit groups: 12 345, -1 234 567
// (narrow no-break spaces). Numbers below 10 000 are grouped too (1 234).
func Int(n int) string {
	s := strconv.Itoa(n)
	digits := strings.TrimPrefix(s, "-")
	if len(digits) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 3*len(groupSep))
	if len(digits) < len(s) {
		b.WriteByte('-')
	}
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(groupSep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// Decimal writes a number with a decimal comma, digit groups and at most
// digits decimals, trailing zeros removed: Decimal(2.5, 2) is « 2,5 »,
// Decimal(3, 2) « 3 », Decimal(1234.5, 1) « 1 234,5 ».
func Decimal(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if n, err := strconv.Atoi(whole); err == nil {
		if n == 0 && strings.HasPrefix(whole, "-") {
			whole = "-0"
		} else {
			whole = Int(n)
		}
	}
	if hasFrac {
		return whole + "," + frac
	}
	return whole
}

// Fixed writes a number with a decimal comma, digit groups and exactly
// digits decimals: Fixed(9, 1) is « 9,0 », Fixed(1234.56, 1) « 1 234,6 »
// (a CVSS score, a duration in seconds).
func Fixed(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // -0,0 reads as 0,0
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if n, err := strconv.Atoi(whole); err == nil && whole != "-0" {
		whole = Int(n)
	}
	if hasFrac {
		return whole + "," + frac
	}
	return whole
}

// List joins items as French writes an enumeration: « a », « a et b »,
// « a, b et c » ("" for none).
func List(items []string) string { return join(items, " et ") }

// ListOr joins alternatives: « a », « a ou b », « a, b ou c ».
func ListOr(items []string) string { return join(items, " ou ") }

func join(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}
