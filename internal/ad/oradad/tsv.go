package oradad

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// rowReader reads an ORADAD data file: UTF-16LE with a BOM, rows ending in
// CRLF, fields separated by TAB.
type rowReader struct {
	r     *bufio.Reader
	name  string // file name for error messages
	line  int
	first bool
	buf   []uint16
	sb    strings.Builder
}

func newRowReader(r io.Reader, name string) *rowReader {
	return &rowReader{r: bufio.NewReaderSize(r, 256<<10), name: name, first: true}
}

// errf builds an error naming the file and the current line.
func (rr *rowReader) errf(format string, a ...any) error {
	return fmt.Errorf("%s, ligne %d : %s", rr.name, rr.line, fmt.Sprintf(format, a...))
}

// next returns the fields of the next row, or io.EOF.
func (rr *rowReader) next() ([]string, error) {
	if rr.first {
		rr.first = false
		var bom [2]byte
		n, err := io.ReadFull(rr.r, bom[:])
		if n == 0 && (err == io.EOF) {
			return nil, io.EOF
		}
		if err != nil || bom != [2]byte{0xFF, 0xFE} {
			rr.line = 1
			return nil, rr.errf("fichier non encodé en UTF-16LE avec BOM (format ORADAD attendu)")
		}
	}
	rr.buf = rr.buf[:0]
	for {
		var u [2]byte
		n, err := io.ReadFull(rr.r, u[:])
		if n == 0 && errors.Is(err, io.EOF) {
			if len(rr.buf) == 0 {
				return nil, io.EOF
			}
			break // last row without CRLF
		}
		if err != nil {
			rr.line++
			return nil, rr.errf("nombre impair d'octets : fichier UTF-16 tronqué")
		}
		c := uint16(u[0]) | uint16(u[1])<<8
		if c == '\n' {
			if l := len(rr.buf); l > 0 && rr.buf[l-1] == '\r' {
				rr.buf = rr.buf[:l-1]
			}
			break
		}
		rr.buf = append(rr.buf, c)
		if len(rr.buf) > 64<<20 {
			rr.line++
			return nil, rr.errf("ligne de plus de 64 Mi caractères")
		}
	}
	rr.line++
	rr.sb.Reset()
	for _, r := range utf16.Decode(rr.buf) {
		if r == utf8.RuneError {
			return nil, rr.errf("caractère UTF-16 invalide")
		}
		rr.sb.WriteRune(r)
	}
	return strings.Split(rr.sb.String(), "\t"), nil
}
