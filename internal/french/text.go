package french

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateTimeLayout is the time.Format layout of an instant for people:
// « 02/03/2026 à 14:17 ».
const DateTimeLayout = "02/01/2006 à 15:04"

// DateTime writes t as « 02/03/2026 à 14:17 » in t's own location (callers
// convert to the application's time zone first).
func DateTime(t time.Time) string { return t.Format(DateTimeLayout) }

// Duration writes a duration for people: « 0,4 s », « 42,3 s »,
// « 3 min 07 s », « 2 h 05 min » (Go's « 3m7.2s » is for logs).
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	if r := d.Round(100 * time.Millisecond); r < time.Minute {
		return Fixed(r.Seconds(), 1) + " s"
	}
	if r := d.Round(time.Second); r < time.Hour {
		s := int(r / time.Second)
		return fmt.Sprintf("%d min %02d s", s/60, s%60)
	}
	m := int(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%s h %02d min", Int(m/60), m%60)
}

// Dates rewrites the ISO dates (AAAA-MM-JJ, not inside a longer run of
// digits or letters) of a sentence as JJ/MM/AAAA: « audit du 2025-03-01 »
// becomes « audit du 01/03/2025 ». For text stored before the sentences
// were written in French; new text formats civil.Date.French directly.
func Dates(s string) string {
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

// countedNouns matches a count followed by words carrying "(s)".
var countedNouns = regexp.MustCompile(`(\d+)((?:[\s\x{a0}\x{202f}]+[\p{L}'’-]+\(s\))+)`)

// AgreeCounts agrees the « (s) » words that follow a count with it:
// « 1 audit(s) » becomes « 1 audit », « 3 jeton(s) révoqué(s) » « 3 jetons
// révoqués ». For text stored before messages agreed their plurals; new
// text uses Plural.
func AgreeCounts(s string) string {
	if !strings.Contains(s, "(s)") {
		return s
	}
	return countedNouns.ReplaceAllStringFunc(s, func(m string) string {
		sub := countedNouns.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		return sub[1] + strings.ReplaceAll(sub[2], "(s)", Agree(n, "", "s"))
	})
}
