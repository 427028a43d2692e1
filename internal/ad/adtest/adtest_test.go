package adtest_test

import (
	"path/filepath"
	"testing"
	"time"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
	"vigie/internal/ad/snapshot"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestSyntheticForest(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.gz")
	if err := adtest.WriteSynthetic(p, now, adtest.SyntheticOptions{Objects: 2000, OUs: 5}); err != nil {
		t.Fatal(err)
	}
	r, c, err := snapshot.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := model.Load(r)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := model.Load(adtest.NewForest("synth.test", now).Reader(t))
	// 2,000 generated objects + 5 OUs + Helpdesk, Tier0-Admins and 10 admins.
	if got, want := len(d.Objects)-len(base.Objects), 2000+5+12; got != want {
		t.Fatalf("%d objects added, want %d", got, want)
	}
	if d.SDCount != len(d.Objects)-1 || len(d.PrivilegedAccounts()) != 11 { // all but the root DSE
		t.Fatalf("SDs %d/%d, privileged %d", d.SDCount, len(d.Objects), len(d.PrivilegedAccounts()))
	}
	if len(d.GroupCycles()) != 0 {
		t.Fatal("generator made a group cycle")
	}
}

func TestSaveWithoutSDs(t *testing.T) {
	f := adtest.NewForest("lab.test", now)
	f.WithoutSDs()
	d, err := model.Load(f.Reader(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.SDCount != 0 {
		t.Fatalf("%d descriptors written", d.SDCount)
	}
}
