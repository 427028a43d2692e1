// Package dossier reads and writes Vigie's interchange file for a whole
// applicant ("vigie-dossier/1", documented in docs/dossier.md with a JSON
// Schema). Every error names the JSON path and the problem, in French.
package dossier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"vigie/internal/care"
	"vigie/internal/jsonfr"
)

// Format is the identifier and major version of the file.
const Format = "vigie-dossier/1"

// MaxSize bounds a dossier file (a national export stays far below).
const MaxSize = 64 << 20

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

func errAt(path, format string, a ...any) error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, a...)}
}

// Read decodes and validates a dossier file.
func Read(r io.Reader) (*care.Facts, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("lecture du dossier : %w", err)
	}
	if len(data) > MaxSize {
		return nil, errAt("", "fichier trop volumineux (plus de %d Mio)", MaxSize>>20)
	}
	return Parse(data)
}

// Parse decodes and validates a dossier held in memory.
func Parse(data []byte) (*care.Facts, error) {
	var top map[string]json.RawMessage
	if err := strictDecode(data, &top); err != nil {
		return nil, jsonErr("", data, err)
	}
	if top == nil {
		return nil, errAt("", "un objet JSON est attendu")
	}
	var d raw
	for k := range top {
		if !knownTop[k] {
			return nil, errAt(k, "champ inconnu")
		}
	}
	if err := field(top, "format", &d.Format); err != nil {
		return nil, err
	}
	if d.Format == "" {
		return nil, errAt("format", "champ obligatoire (attendu %q)", Format)
	}
	if !strings.HasPrefix(d.Format, "vigie-dossier/1") {
		return nil, errAt("format", "version %q non prise en charge (attendu %q)", d.Format, Format)
	}
	if err := field(top, "wave", &d.Wave); err != nil {
		return nil, err
	}
	if err := field(top, "ght", &d.GHT); err != nil {
		return nil, err
	}
	if err := field(top, "governance", &d.Governance); err != nil {
		return nil, err
	}
	if err := field(top, "dossier", &d.Dossier); err != nil {
		return nil, err
	}
	for _, err := range []error{
		list(top, "entities", &d.Entities), list(top, "prerequisites", &d.Prerequisites),
		list(top, "directories", &d.Directories), list(top, "ad_audits", &d.ADAudits),
		list(top, "exposure_audits", &d.ExposureAudits), list(top, "exercises", &d.Exercises),
		list(top, "osis", &d.OSIS), list(top, "budget", &d.Budget),
	} {
		if err != nil {
			return nil, err
		}
	}
	return d.facts()
}

var knownTop = map[string]bool{
	"$schema": true, "format": true, "wave": true, "ght": true, "entities": true, "prerequisites": true,
	"directories": true, "ad_audits": true, "exposure_audits": true, "exercises": true, "osis": true,
	"budget": true, "governance": true, "dossier": true,
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("données après la fin de l'objet JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("données après la fin de l'objet JSON")
	}
	return nil
}

// field decodes one top-level member when present.
func field(top map[string]json.RawMessage, name string, dst any) error {
	b, ok := top[name]
	if !ok || string(b) == "null" {
		return nil
	}
	if err := strictDecode(b, dst); err != nil {
		return jsonErr(name, b, err)
	}
	return nil
}

// list decodes an array member element by element, so errors carry the index.
func list[T any](top map[string]json.RawMessage, name string, dst *[]T) error {
	b, ok := top[name]
	if !ok || string(b) == "null" {
		return nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		return errAt(name, "une liste est attendue")
	}
	out := make([]T, len(elems))
	for i, e := range elems {
		if err := strictDecode(e, &out[i]); err != nil {
			return jsonErr(fmt.Sprintf("%s[%d]", name, i), e, err)
		}
	}
	*dst = out
	return nil
}

// jsonErr turns a decoding error into a French message at a path.
func jsonErr(path string, data []byte, err error) error {
	join := func(sub string) string {
		switch {
		case path == "":
			return sub
		case sub == "":
			return path
		}
		return path + "." + sub
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := jsonfr.Position(data, se.Offset)
		return errAt(path, "JSON invalide ligne %d, colonne %d : %s", line, col, se.Error())
	case errors.As(err, &te):
		return errAt(join(te.Field), "attendu %s, trouvé %s", jsonfr.Kind(te.Type.Kind()), jsonfr.Value(te.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errAt(path, "JSON incomplet")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return errAt(join(strings.Trim(f, `"`)), "champ inconnu")
	}
	return errAt(path, "%s", msg)
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
