package adtest

import (
	"fmt"
	"path/filepath"
	"testing"

	"vigie/internal/ad/snapshot"
)

// Save writes the forest as a snapshot file.
func (f *Forest) Save(path string) error {
	w, err := snapshot.Create(path, f.Header)
	if err != nil {
		return err
	}
	for _, o := range f.objs {
		so := *o.Object
		if o.SD != nil && !f.noSDs {
			b, err := o.SD.Marshal()
			if err != nil {
				w.Abort()
				return fmt.Errorf("adtest: descripteur de %s : %w", o.DN, err)
			}
			bin := make(map[string][][]byte, len(so.Bin)+1)
			for k, v := range so.Bin {
				bin[k] = v
			}
			bin["ntsecuritydescriptor"] = [][]byte{b}
			so.Bin = bin
		}
		if err := w.WriteObject(&so); err != nil {
			w.Abort()
			return err
		}
	}
	for _, g := range f.Gaps {
		if err := w.WriteGap(g); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// Reader saves the forest in a temporary directory and opens it.
func (f *Forest) Reader(tb testing.TB) *snapshot.Reader {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "forest.snapshot.gz")
	if err := f.Save(path); err != nil {
		tb.Fatal(err)
	}
	r, c, err := snapshot.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return r
}
