package ad

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"vigie/internal/ad/adtest"
	"vigie/internal/ad/snapshot"
)

// BenchmarkAnalyze measures a full analysis (streaming read, model, 76
// checks, control paths) of a generated forest. VIGIE_BENCH_OBJECTS sets
// the size (default 100,000).
func BenchmarkAnalyze(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("VIGIE_BENCH_OBJECTS")); err == nil && v > 0 {
		n = v
	}
	path := filepath.Join(b.TempDir(), "synth.snapshot.gz")
	if err := adtest.WriteSynthetic(path, now, adtest.SyntheticOptions{Objects: n}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, c, err := snapshot.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Analyze(r, Options{})
		c.Close()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Coverage.Evaluated != 76 {
			b.Fatalf("coverage %d", rep.Coverage.Evaluated)
		}
	}
}
