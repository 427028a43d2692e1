package org

import (
	"fmt"
	"strconv"
	"strings"
)

// Category is the legal category derived from the FINESS legal-status code.
type Category string

// Categories of establishments for the programme's rules.
const (
	Public    Category = "public"
	NonProfit Category = "prive_non_lucratif" // EBNL
	ForProfit Category = "prive_lucratif"
	Unknown   Category = ""
	OtherPriv Category = "autre"
)

// nonProfitCodes and forProfitCodes are the reference's sets (care-d1 §4.3).
var (
	nonProfitCodes = map[int]bool{40: true, 41: true, 46: true, 47: true, 49: true, 60: true, 61: true, 62: true, 63: true, 64: true, 65: true, 89: true}
	forProfitCodes = map[int]bool{70: true, 71: true, 72: true, 73: true, 75: true, 77: true, 78: true, 85: true, 87: true, 95: true}
)

// CategoryOf maps a FINESS legal-status code ("statut juridique", e.g. "13")
// to a category: public for codes up to 39, the EBNL and for-profit sets.
// A well-formed code outside those sets gives Unknown without error: the
// category must then come from elsewhere (a declared category), never be
// assumed private.
func CategoryOf(legalStatus string) (Category, error) {
	s := strings.TrimSpace(legalStatus)
	if s == "" {
		return Unknown, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > 999 {
		return Unknown, fmt.Errorf("statut juridique %q invalide (code numérique attendu)", legalStatus)
	}
	switch {
	case n <= 39:
		return Public, nil
	case nonProfitCodes[n]:
		return NonProfit, nil
	case forProfitCodes[n]:
		return ForProfit, nil
	}
	return Unknown, nil
}

// IsPrivate reports whether the category is a private one (EBNL, for-profit, other).
func (c Category) IsPrivate() bool { return c == NonProfit || c == ForProfit || c == OtherPriv }

// French returns the label shown to users.
func (c Category) French() string {
	switch c {
	case Public:
		return "public"
	case NonProfit:
		return "privé non lucratif"
	case ForProfit:
		return "privé lucratif"
	case OtherPriv:
		return "autre statut privé"
	}
	return "inconnue"
}

// Bucket is one of the four national statistics buckets.
type Bucket string

// The four buckets of the programme's official reporting.
const (
	BucketGHT         Bucket = "ght"
	BucketPublicAlone Bucket = "public_hors_ght"
	BucketNonProfit   Bucket = "prive_non_lucratif"
	BucketForProfit   Bucket = "prive_lucratif"
)

// BucketOf places an applicant in a statistics bucket.
func BucketOf(inGHT bool, c Category) Bucket {
	switch {
	case inGHT:
		return BucketGHT
	case c == Public:
		return BucketPublicAlone
	case c == NonProfit:
		return BucketNonProfit
	}
	return BucketForProfit
}
