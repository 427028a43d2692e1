// Package jsonfr describes JSON decoding errors in French, with the line and
// column of the problem, for every reader of user-supplied JSON.
package jsonfr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Describe turns an encoding/json decoding error on data into a French
// message that names the line, the column and, for a type error, the field.
func Describe(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		l, c := Position(data, SyntaxOffset(syn))
		return fmt.Sprintf("JSON invalide ligne %d, colonne %d : %s", l, c, Syntax(err))
	case errors.As(err, &typ):
		l, c := Position(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "racine du document JSON"
		}
		return fmt.Sprintf("ligne %d, colonne %d : %s : attendu %s, trouvé %s", l, c, field, Kind(typ.Type.Kind()), Value(typ.Value))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "document JSON vide ou tronqué"
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name := strings.Trim(f, `"`)
		return fmt.Sprintf("%s : champ inconnu", KeyPath(data, name))
	}
	return "JSON invalide : " + strings.TrimPrefix(msg, "json: ")
}

// SyntaxOffset is the offset of the character a syntax error is about
// (encoding/json reports the offset after it).
func SyntaxOffset(se *json.SyntaxError) int64 {
	if se.Offset > 0 {
		return se.Offset - 1
	}
	return 0
}

// Position converts a byte offset into a 1-based line and column.
func Position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Kind names a Go kind the way a JSON user understands it.
func Kind(k reflect.Kind) string {
	switch k {
	case reflect.Struct, reflect.Map:
		return "un objet"
	case reflect.Slice, reflect.Array:
		return "un tableau"
	case reflect.String:
		return "une chaîne"
	case reflect.Bool:
		return "un booléen"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "un entier"
	case reflect.Float32, reflect.Float64:
		return "un nombre"
	case reflect.Pointer:
		return "une valeur"
	}
	return "une autre valeur"
}

// Value names the JSON value kind reported by encoding/json ("string",
// "number 2.5", …).
func Value(v string) string {
	switch {
	case v == "object":
		return "un objet"
	case v == "array":
		return "un tableau"
	case v == "string":
		return "une chaîne"
	case v == "bool":
		return "un booléen"
	case strings.HasPrefix(v, "number"):
		return "un nombre (" + v + ")"
	}
	return v
}
