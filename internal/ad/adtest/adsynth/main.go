// Command adsynth writes a synthetic AD snapshot for load tests, and can
// analyse one (used by bench/ad-analyze.sh when the vigie binary does not
// route « ad analyze » yet).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"vigie/internal/ad"
	"vigie/internal/ad/adtest"
	"vigie/internal/ad/model"
	"vigie/internal/ad/render"
	"vigie/internal/ad/snapshot"
)

func main() {
	n := flag.Int("n", 100000, "nombre d'objets à générer")
	out := flag.String("o", "synth.snapshot.gz", "fichier instantané à écrire")
	analyze := flag.String("analyze", "", "analyser cet instantané (rapport JSON sur la sortie standard)")
	cpuprofile := flag.String("cpuprofile", "", "écrire un profil CPU de l'analyse dans ce fichier")
	format := flag.String("format", "json", "format du rapport d'analyse : table, json ou html")
	memprofile := flag.String("memprofile", "", "écrire un profil mémoire (tas vivant, modèle chargé) après l'analyse")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if *analyze != "" {
		if err := run(*analyze, render.Format(*format), os.Stdout, *memprofile); err != nil {
			fmt.Fprintln(os.Stderr, "adsynth :", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		return
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	if err := adtest.WriteSynthetic(*out, now, adtest.SyntheticOptions{Objects: *n}); err != nil {
		fmt.Fprintln(os.Stderr, "adsynth :", err)
		os.Exit(1)
	}
}

func run(path string, f render.Format, w io.Writer, memprofile string) error {
	r, c, err := snapshot.Open(path)
	if err != nil {
		return err
	}
	defer c.Close()
	d, err := model.Load(r)
	if err != nil {
		return fmt.Errorf("lecture de l'instantané : %w", err)
	}
	rep, err := ad.AnalyzeDirectory(d, ad.Options{})
	if err != nil {
		return err
	}
	if memprofile != "" {
		if err := writeHeap(memprofile); err != nil {
			return err
		}
		runtime.KeepAlive(d)
	}
	return render.Report(w, rep, f, nil)
}

// writeHeap writes the live heap (after a collection) to path.
func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}
