// Package dossier reads and writes Vigie's interchange file for a whole
// applicant ("vigie-dossier/1", documented in docs/dossier.md with a JSON
// Schema). Every error names the JSON path and the problem, in French, and
// a file with several errors reports all of them (up to MaxErrors).
package dossier

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"vigie/internal/care"
	"vigie/internal/french"
	"vigie/internal/jsonfr"
)

// Format is the identifier and major version of the file.
const Format = "vigie-dossier/1"

// MaxSize bounds a dossier file (a national export stays far below).
const MaxSize = 64 << 20

// MaxErrors is how many input errors a file reports at most.
const MaxErrors = 50

// Error is an input error at a JSON path.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + " : " + e.Msg
}

func errAt(path, format string, a ...any) *Error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, a...)}
}

// Errors is every input error found in a file, in the order of the file:
// at most MaxErrors of them, More counting those left out. errors.As finds
// the first *Error through it.
type Errors struct {
	List []*Error
	More int
}

// Error writes one error on one line, several as a count then one line each.
func (e *Errors) Error() string {
	if len(e.List) == 1 && e.More == 0 {
		return e.List[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d erreurs dans le dossier :", len(e.List)+e.More)
	for _, x := range e.List {
		b.WriteString("\n  - " + x.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … et %s (seules les %d premières sont listées)", french.Plural(e.More, "autre", "autres"), MaxErrors)
	}
	return b.String()
}

// Unwrap gives the errors one by one.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// Options tune reading.
type Options struct {
	// Catalogue gives the waves, objectives and prerequisites a file may
	// name; the embedded catalogue when nil.
	Catalogue *care.Catalogue
}

// Read decodes and validates a dossier file with the embedded catalogue.
func Read(r io.Reader) (*care.Facts, error) { return ReadWith(r, Options{}) }

// ReadWith decodes and validates a dossier file.
func ReadWith(r io.Reader, opts Options) (*care.Facts, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("lecture du dossier : %s", jsonfr.French(err))
	}
	if len(data) > MaxSize {
		return nil, &Errors{List: []*Error{errAt("", "fichier trop volumineux (%d Mio au plus)", MaxSize>>20)}}
	}
	return ParseWith(data, opts)
}

// Parse decodes and validates a dossier held in memory with the embedded
// catalogue.
func Parse(data []byte) (*care.Facts, error) { return ParseWith(data, Options{}) }

// ParseWith decodes and validates a dossier held in memory. On failure the
// error is an *Errors listing every problem found.
func ParseWith(data []byte, opts Options) (*care.Facts, error) {
	cat := opts.Catalogue
	if cat == nil {
		c, err := defaultCatalogue()
		if err != nil {
			return nil, fmt.Errorf("catalogue intégré : %w", err)
		}
		cat = c
	}
	v := &validator{cat: cat}
	d := v.decode(data)
	var f *care.Facts
	if d != nil {
		f = d.facts(v)
	}
	if len(v.errs) > 0 {
		sortErrors(data, v.errs)
		return nil, &Errors{List: v.errs, More: v.more}
	}
	return f, nil
}

// sortErrors puts errors in the order of the file: by the position of
// their top-level member, then by the indices along their path.
func sortErrors(data []byte, errs []*Error) {
	type key struct {
		top int
		idx []int
	}
	keys := make(map[*Error]key, len(errs))
	for _, e := range errs {
		name := e.Path
		if i := strings.IndexAny(name, ".["); i >= 0 {
			name = name[:i]
		}
		k := key{top: -1}
		if name != "" {
			k.top = bytes.Index(data, []byte(`"`+name+`"`))
		}
		for _, m := range indexRE.FindAllStringSubmatch(e.Path, -1) {
			n, _ := strconv.Atoi(m[1])
			k.idx = append(k.idx, n)
		}
		keys[e] = k
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		ka, kb := keys[a], keys[b]
		if c := cmp.Compare(ka.top, kb.top); c != 0 {
			return c
		}
		return slices.Compare(ka.idx, kb.idx)
	})
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// defaultCatalogue reads the embedded catalogue once; it is only read here.
var defaultCatalogue = sync.OnceValues(care.DefaultCatalogue)

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("données après la fin de l'objet JSON")

// join appends a relative path to a path.
func join(path, sub string) string {
	switch {
	case path == "":
		return sub
	case sub == "":
		return path
	case strings.HasPrefix(sub, "["):
		return path + sub
	}
	return path + "." + sub
}

// jsonErr turns a decoding error of data, found at path, into a French
// error at the exact path of the bad value.
func jsonErr(path string, data []byte, err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := jsonfr.Position(data, jsonfr.SyntaxOffset(se))
		return errAt(path, "JSON invalide ligne %d, colonne %d : %s", line, col, jsonfr.Syntax(err))
	case errors.As(err, &te):
		return errAt(join(path, jsonfr.PathAt(data, te.Offset)), "attendu %s, trouvé %s", jsonfr.Kind(te.Type.Kind()), jsonfr.Value(te.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errAt(path, "JSON incomplet")
	case errors.Is(err, errTrailing):
		return errAt(path, "%s", err)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return errAt(join(path, jsonfr.KeyPath(data, strings.Trim(f, `"`))), "champ inconnu")
	}
	return errAt(path, "JSON invalide : %s", jsonfr.Syntax(err))
}

// Write encodes facts as a dossier file.
func Write(w io.Writer, f *care.Facts) error {
	out := struct {
		Format string `json:"format"`
		*care.Facts
	}{Format, f}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
