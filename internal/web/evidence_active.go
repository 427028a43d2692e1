package web

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Active content refused in evidence files: office macros, references to
// external templates or objects (loaded when the document is opened) and
// PDF scripts or automatic actions. Evidence is read by ARS and ANS staff:
// a file must not run anything on their machines.

// maxRelsBytes bounds a relationships part read from an office document.
const maxRelsBytes = 4 << 20

// officeActive returns a French reason when an OOXML or ODF archive
// carries macros or external relationships, "" otherwise.
func officeActive(zr *zip.Reader) string {
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		low := strings.ToLower(name)
		switch {
		case strings.Contains(path.Base(low), "vbaproject"), strings.HasSuffix(low, ".bin") && strings.Contains(low, "activex"):
			return fmt.Sprintf("document refusé : il contient des macros (%s) ; enregistrez-le sans macros (DOCX, XLSX, ODT) puis renvoyez-le.", path.Base(name))
		case strings.HasPrefix(low, "basic/"), strings.HasPrefix(low, "scripts/"):
			return fmt.Sprintf("document refusé : il contient des macros ou des scripts (%s) ; enregistrez-le sans macros puis renvoyez-le.", name)
		case low == "[content_types].xml":
			if b := readPart(f, maxRelsBytes); bytes.Contains(bytes.ToLower(b), []byte("macroenabled")) {
				return "document refusé : c'est un document à macros (type « macroEnabled ») ; enregistrez-le au format DOCX ou XLSX puis renvoyez-le."
			}
		case strings.HasSuffix(low, ".rels"):
			if why := externalRelationship(readPart(f, maxRelsBytes)); why != "" {
				return why
			}
		}
	}
	return ""
}

// readPart reads at most max bytes of an archive member (nil on error).
func readPart(f *zip.File, max int64) []byte {
	if f.UncompressedSize64 > uint64(max) {
		return []byte("trop grand")
	}
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, max))
	return b
}

// externalRelationship returns a French reason when a relationships part
// links an external target other than a hyperlink (attached template,
// OLE object, frame, sub-document…), "" otherwise.
func externalRelationship(rels []byte) string {
	if bytes.Equal(rels, []byte("trop grand")) {
		return "document refusé : une partie de relations démesurée."
	}
	var doc struct {
		Rels []struct {
			Type       string `xml:"Type,attr"`
			Target     string `xml:"Target,attr"`
			TargetMode string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(rels, &doc); err != nil {
		return "document refusé : une partie de relations est illisible (document endommagé ?)."
	}
	for _, r := range doc.Rels {
		if !strings.EqualFold(r.TargetMode, "External") || strings.HasSuffix(r.Type, "/hyperlink") {
			continue
		}
		kind := r.Type[strings.LastIndexByte(r.Type, '/')+1:]
		return fmt.Sprintf("document refusé : il charge un élément externe à l'ouverture (%s → %s) ; supprimez le modèle ou l'objet lié puis renvoyez-le.",
			kind, truncateRunes(r.Target, 80))
	}
	return ""
}

// pdfForbidden are the PDF names of scripts and of actions that reach
// outside the document.
var pdfForbidden = map[string]string{
	"JavaScript": "du JavaScript", "JS": "du JavaScript", "Launch": "une action de lancement de programme",
	"EmbeddedFile": "un fichier joint", "EmbeddedFiles": "des fichiers joints", "RichMedia": "un contenu multimédia actif",
	"SubmitForm": "un envoi de formulaire", "ImportData": "un import de données", "GoToE": "un lien vers un fichier joint",
	"GoToR": "un lien vers un autre fichier", "XFA": "un formulaire XFA (scripts)",
}

// Bounds of the PDF scan: decompressed bytes per stream and in all.
const (
	maxPDFStream   = 8 << 20
	maxPDFInflated = 64 << 20
)

// pdfActive returns a French reason when a PDF holds JavaScript, an
// automatic action at opening (/OpenAction other than a page destination)
// or another forbidden action, in its body or in its compressed streams
// (object streams hide dictionaries), "" otherwise.
func pdfActive(data []byte) string {
	budget := maxPDFInflated
	var scan func(b []byte, depth int) string
	scan = func(b []byte, depth int) string {
		if why := pdfNames(b); why != "" {
			return why
		}
		if depth > 0 {
			return ""
		}
		for rest := b; ; {
			i := bytes.Index(rest, []byte("stream"))
			if i < 0 {
				return ""
			}
			body := rest[i+len("stream"):]
			body = bytes.TrimPrefix(bytes.TrimPrefix(body, []byte("\r")), []byte("\n"))
			end := bytes.Index(body, []byte("endstream"))
			if end < 0 {
				end = len(body)
			}
			rest = body[end:]
			if budget <= 0 {
				return "PDF refusé : trop de contenu compressé pour être vérifié."
			}
			zr, err := zlib.NewReader(bytes.NewReader(body[:end]))
			if err != nil {
				continue // not a Flate stream (image, font…)
			}
			inflated, _ := io.ReadAll(io.LimitReader(zr, int64(min(maxPDFStream, budget))))
			zr.Close()
			budget -= len(inflated)
			if why := scan(inflated, depth+1); why != "" {
				return why
			}
		}
	}
	return scan(data, 0)
}

// pdfNames looks for forbidden names (written plainly or with #xx escapes).
func pdfNames(b []byte) string {
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		j := i + 1
		for j < len(b) && pdfRegular(b[j]) {
			j++
		}
		name := pdfDecodeName(b[i+1 : j])
		if what, ok := pdfForbidden[name]; ok {
			return fmt.Sprintf("PDF refusé : il contient %s (/%s). Imprimez-le en PDF (« Enregistrer au format PDF ») puis renvoyez-le.", what, name)
		}
		if name == "OpenAction" { // a page destination ([…]) is harmless; an action is not
			k := j
			for k < len(b) && pdfSpace(b[k]) {
				k++
			}
			if k >= len(b) || b[k] != '[' {
				return "PDF refusé : il déclenche une action automatique à l'ouverture (/OpenAction). Imprimez-le en PDF puis renvoyez-le."
			}
		}
		i = j - 1
	}
	return ""
}

// pdfRegular reports whether c may appear in a PDF name.
func pdfRegular(c byte) bool { return !pdfSpace(c) && !strings.ContainsRune("()<>[]{}/%", rune(c)) }

func pdfSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

// pdfDecodeName undoes the #xx escapes of a PDF name.
func pdfDecodeName(n []byte) string {
	if bytes.IndexByte(n, '#') < 0 {
		return string(n)
	}
	var out []byte
	for i := 0; i < len(n); i++ {
		if n[i] == '#' && i+2 < len(n) {
			if v, err := strconv.ParseUint(string(n[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, n[i])
	}
	return string(out)
}
