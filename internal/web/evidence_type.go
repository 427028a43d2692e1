package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxEvidenceBytes is the largest evidence file accepted.
const maxEvidenceBytes = 20 << 20

// evidenceExt gives, for each accepted kind of evidence, the extension of
// the content type it is served with (never HTML, never executable).
func evidenceExt(contentType string) (string, bool) {
	switch contentType {
	case "application/pdf":
		return ".pdf", true
	case "image/png":
		return ".png", true
	case "image/jpeg":
		return ".jpg", true
	case "application/vnd.oasis.opendocument.text":
		return ".odt", true
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx", true
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx", true
	case "text/plain; charset=utf-8":
		return ".txt", true
	}
	return "", false
}

// evidenceTypeError is the French reason for refusing a file's type.
const evidenceTypeError = "type de fichier refusé : seuls les PDF, images PNG ou JPEG, documents ODT, DOCX, classeurs XLSX et textes bruts sont acceptés (ni exécutable, ni page HTML, ni image SVG, ni document à macros)."

// detectEvidence decides a file's type from its content, not its name, and
// returns the content type to serve it with, or a French reason.
func detectEvidence(data []byte) (string, string) {
	if len(data) == 0 {
		return "", "le fichier est vide."
	}
	sniffed := http.DetectContentType(data)
	switch {
	case sniffed == "application/pdf":
		if why := pdfActive(data); why != "" {
			return "", why
		}
		return sniffed, ""
	case sniffed == "image/png", sniffed == "image/jpeg":
		return sniffed, ""
	case sniffed == "application/zip":
		return detectOffice(data)
	case sniffed == "text/plain; charset=utf-8":
		if plainText(data) {
			return sniffed, ""
		}
	}
	return "", evidenceTypeError
}

// detectOffice recognises ODT, DOCX and XLSX among zip files; documents
// carrying macros are refused.
func detectOffice(data []byte) (string, string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "archive illisible : le document bureautique est endommagé."
	}
	if why := officeActive(zr); why != "" {
		return "", why
	}
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[f.Name] = f
	}
	if m := names["mimetype"]; m != nil && m.UncompressedSize64 < 100 {
		rc, err := m.Open()
		if err == nil {
			var buf bytes.Buffer
			_, err = buf.ReadFrom(rc)
			rc.Close()
			if err == nil && buf.String() == "application/vnd.oasis.opendocument.text" {
				return buf.String(), ""
			}
		}
	}
	if names["[Content_Types].xml"] != nil {
		switch {
		case names["word/document.xml"] != nil:
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""
		case names["xl/workbook.xml"] != nil:
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""
		}
	}
	return "", evidenceTypeError
}

// plainText accepts UTF-8 text without control characters nor markup a
// browser could render (HTML, SVG, XML).
func plainText(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			return false
		}
	}
	low := strings.ToLower(string(data))
	for _, m := range []string{"<html", "<!doctype", "<svg", "<script", "<?xml", "<body", "<iframe"} {
		if strings.Contains(low, m) {
			return false
		}
	}
	return true
}

// servedType is the content type a stored file is downloaded with: its
// recorded type when it is an accepted one, else a neutral binary type.
func servedType(recorded string) string {
	if _, ok := evidenceExt(recorded); ok {
		return recorded
	}
	return "application/octet-stream"
}

// cleanFileName keeps the last element of an uploaded file name, without
// control characters, invisible format characters (right-to-left override
// and the other bidirectional controls, which make « fichier\u202Efdp.exe »
// read as « fichierexe.pdf ») or quotes, at most 120 characters, with the
// extension of its detected type.
func cleanFileName(name, contentType string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "piece"
	}
	ext, _ := evidenceExt(contentType)
	base := strings.TrimSuffix(name, path.Ext(name))
	if r := []rune(base); len(r) > 120 {
		base = string(r[:120])
	}
	if base == "" {
		base = "piece"
	}
	return base + ext
}

// renamed reports whether an uploaded name's extension disagrees with the
// type detected from the content (cleanFileName then gives it the right
// one: the user is told, the trail keeps the original name).
func renamed(original, contentType string) bool {
	want, _ := evidenceExt(contentType)
	got := strings.ToLower(path.Ext(strings.ReplaceAll(original, "\\", "/")))
	if got == ".jpeg" {
		got = ".jpg"
	}
	return got != want
}

// cleanText keeps at most n characters of a user-given text, without
// control or invisible format characters, for the audit trail.
func cleanText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return truncateRunes(s, n)
}
