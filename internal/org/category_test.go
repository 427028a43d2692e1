package org

import "testing"

func TestCategoryOf(t *testing.T) {
	cases := map[string]Category{
		"01": Public, "13": Public, "14": Public, "39": Public,
		"40": NonProfit, "41": NonProfit, "46": NonProfit, "47": NonProfit, "49": NonProfit,
		"60": NonProfit, "61": NonProfit, "62": NonProfit, "63": NonProfit, "64": NonProfit, "65": NonProfit, "89": NonProfit,
		"70": ForProfit, "71": ForProfit, "72": ForProfit, "73": ForProfit, "75": ForProfit, "77": ForProfit,
		"78": ForProfit, "85": ForProfit, "87": ForProfit, "95": ForProfit,
		"66": Unknown, "90": Unknown, "100": Unknown, "": Unknown,
	}
	for code, want := range cases {
		got, err := CategoryOf(code)
		if err != nil || got != want {
			t.Errorf("CategoryOf(%q) = %q, %v; want %q", code, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "-3", "0", "1000"} {
		if _, err := CategoryOf(bad); err == nil {
			t.Errorf("CategoryOf(%q) accepted", bad)
		}
	}
}

func TestBucketOf(t *testing.T) {
	if BucketOf(true, ForProfit) != BucketGHT || BucketOf(false, Public) != BucketPublicAlone ||
		BucketOf(false, NonProfit) != BucketNonProfit || BucketOf(false, ForProfit) != BucketForProfit {
		t.Fatal("buckets")
	}
}

func TestPMSIEntities(t *testing.T) {
	es := []Entity{
		{FINESS: "010000016", Kind: EJ, Category: Public},
		{FINESS: "010000024", Kind: EG, Parent: "010000016"},
		{FINESS: "010000040", Kind: EJ, Category: ForProfit},
		{FINESS: "010000057", Kind: EG, Parent: "010000040"},
		{FINESS: "010000065", Kind: EG, Parent: "010000040"},
		{FINESS: "010000073", Kind: EJ},
	}
	tr := NewTree(es)
	pub, ok := tr.PMSIEntities(tr.Get("010000016"))
	if !ok || len(pub) != 1 || pub[0].FINESS != "010000016" {
		t.Errorf("public: %v %v", pub, ok)
	}
	priv, ok := tr.PMSIEntities(tr.Get("010000040"))
	if !ok || len(priv) != 2 || priv[0].FINESS != "010000057" {
		t.Errorf("private: %v %v", priv, ok)
	}
	if tr.Get("010000057").Category != ForProfit {
		t.Error("an EG inherits its EJ's category")
	}
	if _, ok := tr.PMSIEntities(tr.Get("010000073")); ok {
		t.Error("unknown category must not be decided")
	}
}
