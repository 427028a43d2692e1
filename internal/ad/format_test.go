package ad

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"vigie/internal/ad/snapshot"
)

// TestBothSnapshotFormatsGiveTheSameReport analyses a snapshot written by
// the version 1 writer (JSON lines) and the same snapshot written again in
// the current format: the reports are identical, byte for byte.
func TestBothSnapshotFormatsGiveTheSameReport(t *testing.T) {
	v1 := filepath.Join("snapshot", "testdata", "v1-forest.snapshot.gz")
	report := func(path string) []byte {
		r, c, err := snapshot.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		rep, err := Analyze(r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	r, c, err := snapshot.Open(v1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	v2 := filepath.Join(t.TempDir(), "v2.snapshot.gz")
	w, err := snapshot.Create(v2, r.Header)
	if err != nil {
		t.Fatal(err)
	}
	for {
		o, g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if o != nil {
			err = w.WriteObject(o)
		} else {
			err = w.WriteGap(*g)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, b := report(v1), report(v2)
	if !bytes.Equal(a, b) {
		t.Fatalf("reports differ:\n%s\n---\n%s", a, b)
	}
	if !bytes.Contains(a, []byte("CN=Guest,CN=Users,DC=lab,DC=test")) {
		t.Fatalf("unexpected report: %s", a)
	}
}
