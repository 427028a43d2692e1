// Package oradad reads a clear (not encrypted) ORADAD extraction — ANSSI's
// Active Directory collector — into the same snapshot model as the LDAP
// collector, converting ORADAD's text forms back to the LDAP value forms
// the checks expect: SIDs and GUIDs to binary, security descriptors from
// hex, dates to FILETIME integers or GeneralizedTime, booleans to
// TRUE/FALSE, ';'-joined multi-values to separate values (by the
// extraction's own schema), hex-written DN-binary values back to text. The
// snapshot lists the attributes the extraction has columns for, so that a
// control point reading an attribute ORADAD did not collect is "non
// évalué"; deleted objects (ORADAD's "top" request shows them) are left
// out.
package oradad

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"vigie/internal/ad/snapshot"
	"vigie/internal/french"
)

// InputError is a problem of the extraction itself (missing, encrypted or
// malformed files), as opposed to a failure to write the snapshot.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err comes from the extraction being read.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func inputf(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

// mlaAdvice explains how to obtain a readable extraction.
const mlaAdvice = "c'est une archive ORADAD chiffrée (.mla), lisible seulement avec la clé privée de l'ANSSI ou une clé ajoutée. " +
	"Pour une analyse par Vigie, relancez ORADAD avec <outputFiles>1</outputFiles> dans config-oradad.xml " +
	"(fichiers en clair dans <dossier de sortie>/<forêt>/<date>/), puis donnez ce dossier à « vigie ad import-oradad ». " +
	"Si vous avez ajouté votre propre clé dans <additionalMLAKeys>, extrayez d'abord l'archive avec « mlar extract -k CLÉ_PRIVÉE -i FICHIER.mla -o DOSSIER »"

// Locate returns the extraction directory (the one holding tables.tsv)
// given that directory, or an ORADAD output directory holding
// <forest>/<date>/tables.tsv (the newest is taken).
func Locate(dir string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", inputf("extraction ORADAD %s introuvable : %w", dir, err)
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(dir), ".mla") {
			return "", inputf("%s : %s", dir, mlaAdvice)
		}
		return "", inputf("%s n'est pas un dossier d'extraction ORADAD (dossier contenant tables.tsv attendu)", dir)
	}
	if fileExists(filepath.Join(dir, "tables.tsv")) {
		return dir, nil
	}
	var found, mla []string
	for _, pat := range []string{"*/tables.tsv", "*/*/tables.tsv"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		found = append(found, m...)
	}
	for _, pat := range []string{"*.mla", "*/*.mla"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		mla = append(mla, m...)
	}
	if len(found) == 0 {
		if len(mla) > 0 {
			return "", inputf("%s ne contient pas de fichiers en clair mais %s : %s", dir, filepath.Base(mla[0]), mlaAdvice)
		}
		return "", inputf("%s : aucun fichier tables.tsv (ni dans <forêt>/<date>/) : ce n'est pas une extraction ORADAD en clair", dir)
	}
	sort.Slice(found, func(i, j int) bool {
		return filepath.Base(filepath.Dir(found[i])) < filepath.Base(filepath.Dir(found[j]))
	})
	return filepath.Dir(found[len(found)-1]), nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Summary describes a converted extraction.
type Summary struct {
	Dir     string // extraction directory actually read
	Forest  string
	Version string // oradad_version from metadata.tsv
	Tables  int
	Objects int
	Gaps    int
	Sysvol  *snapshot.Sysvol // the SYSVOL listing, nil when the extraction has none
}

// Convert reads the clear ORADAD extraction under dir and writes the
// snapshot file out. Rows of the same object spread over several tables
// (top, user, group…) are merged, so objects are held in memory until the
// end; the snapshot file appears only on success.
func Convert(ctx context.Context, dir, out string) (Summary, error) {
	m, sum, when, err := load(ctx, dir)
	if err != nil {
		return Summary{}, err
	}
	h := snapshot.Header{
		Forest: m.forest, Source: "oradad", Server: m.server, CollectedAt: when,
		NamingContexts: m.contexts(), Attributes: m.attributes(), ToolVersion: sum.Version, Sysvol: m.sysvol,
	}
	objs := m.live()
	w, err := snapshot.Create(out, h)
	if err != nil {
		return Summary{}, err
	}
	for _, o := range objs {
		if err := w.WriteObject(o); err != nil {
			w.Abort()
			return Summary{}, fmt.Errorf("écriture de l'instantané : %w", err)
		}
	}
	for _, g := range m.gaps {
		if err := w.WriteGap(g); err != nil {
			w.Abort()
			return Summary{}, fmt.Errorf("écriture de l'instantané : %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return Summary{}, err
	}
	sum.Forest, sum.Objects, sum.Gaps, sum.Sysvol = m.forest, len(objs), len(m.gaps), m.sysvol
	return sum, nil
}

// load reads and merges every table of the extraction under dir.
func load(ctx context.Context, dir string) (*merger, Summary, time.Time, error) {
	base, err := Locate(dir)
	if err != nil {
		return nil, Summary{}, time.Time{}, err
	}
	idxPath := filepath.Join(base, "tables.tsv")
	f, err := os.Open(idxPath)
	if err != nil {
		return nil, Summary{}, time.Time{}, inputf("ouvrir %s : %w", idxPath, err)
	}
	idx, err := parseIndex(f, idxPath)
	f.Close()
	if err != nil {
		return nil, Summary{}, time.Time{}, &InputError{Err: err}
	}
	forest, when := splitBase(idx.Base)
	m := newMerger(forest)
	sum := Summary{Dir: base, Forest: forest}
	if meta, err := readMetadata(base); err == nil {
		sum.Version = meta["oradad_version"]
		if v := meta["forest|rootdns"]; v != "" && forest == "" {
			m.forest = strings.ToLower(v)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, Summary{}, time.Time{}, err
	}
	for _, t := range idx.Tables {
		if strings.EqualFold(filepath.Base(slashPath(t.Path)), "metadata.tsv") || strings.EqualFold(t.Short, "metadata") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, Summary{}, time.Time{}, err
		}
		if isSysvolTable(t) {
			entries, err := readSysvol(ctx, base, t)
			if err != nil {
				return nil, Summary{}, time.Time{}, err
			}
			if m.sysvol == nil {
				m.sysvol = &snapshot.Sysvol{Source: "oradad", Entries: []snapshot.SysvolEntry{}}
			}
			m.sysvol.Entries = append(m.sysvol.Entries, entries...)
			sum.Tables++
			continue
		}
		if err := m.readTable(ctx, base, t); err != nil {
			return nil, Summary{}, time.Time{}, err
		}
		sum.Tables++
	}
	m.splitJoined()
	return m, sum, when, nil
}

// splitBase splits "<forest>_<YYYYMMDD-HHMMSS>".
func splitBase(b string) (string, time.Time) {
	i := strings.LastIndexByte(b, '_')
	if i < 0 {
		return strings.ToLower(b), time.Time{}
	}
	t, err := time.Parse("20060102-150405", b[i+1:])
	if err != nil {
		return strings.ToLower(b), time.Time{}
	}
	return strings.ToLower(b[:i]), t.UTC()
}

func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// readMetadata reads metadata.tsv (UTF-16LE key<TAB>value rows).
func readMetadata(base string) (map[string]string, error) {
	p := filepath.Join(base, "metadata.tsv")
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rr := newRowReader(f, p)
	out := map[string]string{}
	for {
		row, err := rr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, &InputError{Err: err}
		}
		if len(row) < 2 {
			return nil, &InputError{Err: rr.errf("%s, clé et valeur attendues", french.Plural(len(row), "champ", "champs"))}
		}
		out[strings.ToLower(row[0])] = row[1]
	}
}
