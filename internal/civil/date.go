// Package civil is a calendar date without time of day or zone, as the
// programme's rules use them (audit dates, deadlines, windows).
package civil

import (
	"fmt"
	"strings"
	"time"
)

// Date is a day in the proleptic Gregorian calendar. The zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the only accepted text form: ISO 8601 "YYYY-MM-DD".
const Layout = "2006-01-02"

// Parse reads "YYYY-MM-DD".
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q invalide (attendu AAAA-MM-JJ)", s)
	}
	return Of(t), nil
}

// FrenchLayout is the French form "JJ/MM/AAAA" accepted from people.
const FrenchLayout = "02/01/2006"

// ParseInput reads a date typed by a person: "AAAA-MM-JJ" or "JJ/MM/AAAA"
// (one-digit day or month accepted in the French form). Files keep the
// single ISO form (Parse).
func ParseInput(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		t, err := time.Parse("2/1/2006", s)
		if err != nil || !strings.HasSuffix(s, fmt.Sprintf("/%04d", t.Year())) {
			return Date{}, fmt.Errorf("date %q invalide (attendu JJ/MM/AAAA ou AAAA-MM-JJ)", s)
		}
		return Of(t), nil
	}
	d, err := Parse(s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q invalide (attendu JJ/MM/AAAA ou AAAA-MM-JJ)", s)
	}
	return d, nil
}

// MustParse is Parse for literals in tests and embedded data known to be valid.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "YYYY-MM-DD", or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	var b [10]byte
	put4(b[0:4], d.Year)
	b[4] = '-'
	put2(b[5:7], int(d.Month))
	b[7] = '-'
	put2(b[8:10], d.Day)
	return string(b[:])
}

// French formats d as "JJ/MM/AAAA".
func (d Date) French() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
	}
	var b [10]byte
	put2(b[0:2], d.Day)
	b[2] = '/'
	put2(b[3:5], int(d.Month))
	b[5] = '/'
	put4(b[6:10], d.Year)
	return string(b[:])
}

// put2 and put4 write a number with leading zeros (the dates formatted
// in every reason: no fmt on this path).
func put2(b []byte, n int) { b[0], b[1] = byte('0'+n/10%10), byte('0'+n%10) }

func put4(b []byte, n int) {
	put2(b[0:2], n/100)
	put2(b[2:4], n%100)
}

// AddDays returns d shifted by n days.
func (d Date) AddDays(n int) Date { return Of(d.Time().AddDate(0, 0, n)) }

// AddMonths returns d shifted by n calendar months (time.AddDate normalisation).
func (d Date) AddMonths(n int) Date { return Of(d.Time().AddDate(0, n, 0)) }

// DaysSince returns the number of days from e to d (positive when d is later).
func (d Date) DaysSince(e Date) int {
	return int(d.Time().Sub(e.Time()).Hours() / 24)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	}
	return sign(d.Day - e.Day)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// MarshalText encodes the date as "YYYY-MM-DD" ("" for the zero date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "YYYY-MM-DD"; "" gives the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
