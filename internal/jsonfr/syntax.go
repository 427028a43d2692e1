package jsonfr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// syntaxContexts translates the contexts encoding/json gives after
// "invalid character 'x' ".
var syntaxContexts = []struct{ en, fr string }{
	{"looking for beginning of value", "une valeur JSON est attendue"},
	{"looking for beginning of object key string", "une clé entre guillemets est attendue"},
	{"after object key:value pair", "« , » ou « } » est attendu"},
	{"after object key", "« : » est attendu après la clé"},
	{"after array element", "« , » ou « ] » est attendu"},
	{"after top-level value", "données après la fin du document JSON"},
	{"in string literal", "caractère de contrôle interdit dans une chaîne"},
	{"in string escape code", "séquence d'échappement invalide dans une chaîne"},
	{`in \u hexadecimal character escape`, `séquence \u invalide dans une chaîne`},
	{"in exponent of numeric literal", "exposant mal formé dans un nombre"},
	{"after decimal point in numeric literal", "chiffre attendu après la virgule d'un nombre"},
	{"in numeric literal", "nombre mal formé"},
	{"in literal true", "true mal écrit"},
	{"in literal false", "false mal écrit"},
	{"in literal null", "null mal écrit"},
}

// Syntax describes a JSON syntax error in French, without its position.
func Syntax(err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "JSON incomplet (fin du document inattendue)"
		}
		return "JSON mal formé"
	}
	msg := se.Error()
	if strings.HasPrefix(msg, "unexpected end of JSON input") {
		return "JSON incomplet (fin du document inattendue)"
	}
	rest, ok := strings.CutPrefix(msg, "invalid character ")
	if !ok {
		if strings.Contains(msg, "exceeded max depth") {
			return "imbrication trop profonde"
		}
		return "JSON mal formé"
	}
	// rest is "'c' context": the quoted character may itself hold a space.
	char, context := rest, ""
	if end := strings.Index(rest[1:], "' "); strings.HasPrefix(rest, "'") && end >= 0 {
		char, context = rest[:end+2], rest[end+3:]
	}
	for _, c := range syntaxContexts {
		if strings.HasPrefix(context, c.en) {
			return fmt.Sprintf("caractère %s inattendu : %s", frenchQuote(char), c.fr)
		}
	}
	return fmt.Sprintf("caractère %s inattendu", frenchQuote(char))
}

// frenchQuote turns 'x' into « x ».
func frenchQuote(q string) string {
	c := strings.TrimSuffix(strings.TrimPrefix(q, "'"), "'")
	if c == `\'` {
		c = "'"
	}
	return "« " + c + " »"
}
