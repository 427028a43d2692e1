package web

import (
	"bytes"
	"compress/zlib"
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
)

func flate(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// TestEvidenceActiveContent: macros, external templates and PDF scripts
// or automatic actions are refused with a French reason; harmless links
// and page destinations pass.
func TestEvidenceActiveContent(t *testing.T) {
	ct := `<?xml version="1.0"?><Types><Default Extension="xml" ContentType="application/xml"/></Types>`
	refused := map[string]struct {
		data []byte
		want string
	}{
		"pdf javascript":       {[]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Names << /JavaScript 2 0 R >> >> endobj"), "JavaScript"},
		"pdf escaped name":     {[]byte("%PDF-1.7\n1 0 obj << /S /J#61vaScript /JS (app.alert(1)) >> endobj"), "JavaScript"},
		"pdf open action":      {[]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj"), "OpenAction"},
		"pdf open action ref":  {[]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 5 0 R >> endobj"), "OpenAction"},
		"pdf embedded file":    {[]byte("%PDF-1.7\n1 0 obj << /Type /EmbeddedFile >> endobj"), "fichier joint"},
		"pdf js in obj stream": {[]byte("%PDF-1.7\n4 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + flate(t, "<< /S /JavaScript /JS (x) >>") + "\nendstream\nendobj"), "JavaScript"},
		"docx macros":          {evidenceZip(t, map[string]string{"[Content_Types].xml": ct, "word/document.xml": "<w/>", "word/vbaProject.bin": "x"}), "macros"},
		"docm type": {evidenceZip(t, map[string]string{"[Content_Types].xml": `<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`,
			"word/document.xml": "<w/>"}), "macroEnabled"},
		"odt basic": {evidenceZip(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>",
			"Basic/Standard/Module1.xml": "<script/>"}), "macros"},
		"external template": {evidenceZip(t, map[string]string{"[Content_Types].xml": ct, "word/document.xml": "<w/>",
			"word/_rels/settings.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
				`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://198.51.100.9/modele.dotm" TargetMode="External"/></Relationships>`}),
			"attachedTemplate"},
	}
	for name, tc := range refused {
		got, why := detectEvidence(tc.data)
		if got != "" || !strings.Contains(why, tc.want) {
			t.Errorf("%s: accepted as %q (%s), want refused with %q", name, got, why, tc.want)
		}
	}
	accepted := map[string][]byte{
		"pdf": []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction [3 0 R /Fit] /Pages 2 0 R >> endobj\nstream\n" + flate(t, "BT /F1 12 Tf (Bonjour) Tj ET") + "\nendstream"),
		"docx hyperlinks": evidenceZip(t, map[string]string{"[Content_Types].xml": ct, "word/document.xml": "<w/>",
			"word/_rels/document.xml.rels": `<Relationships><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://esante.gouv.fr/" TargetMode="External"/></Relationships>`}),
	}
	for name, data := range accepted {
		if got, why := detectEvidence(data); got == "" {
			t.Errorf("%s refused: %s", name, why)
		}
	}
}

// TestEvidenceNames: a name whose extension disagrees with the content is
// corrected with a warning (the original kept in the trail); right-to-left
// overrides and other invisible characters are stripped.
func TestEvidenceNames(t *testing.T) {
	e := newEvidenceEnv(t)
	c := e.login("referent-ght")
	_, page := c.get("/dossiers/CVL-99/preuves")
	tok := csrfOf(t, page)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	resp, _ := c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "rapport.pdf", png)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	_, page = c.get(resp.Header.Get("Location"))
	if !strings.Contains(html.UnescapeString(page), "ne correspondait pas au contenu du fichier ; la pièce est enregistrée sous « rapport.png »") {
		t.Errorf("no warning for a renamed file:\n%s", page)
	}
	trail, _ := e.st.AuditTrail(context.Background(), 1)
	if len(trail) != 1 || !strings.Contains(trail[0].Detail, "envoyé sous le nom « rapport.pdf »") {
		t.Errorf("trail: %+v", trail)
	}
	pdf := []byte("%PDF-1.4\n%%EOF")
	resp, _ = c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "facture\u202Efdp.exe", pdf)
	_, page = c.get(resp.Header.Get("Location"))
	if strings.Contains(page, "\u202E") || !strings.Contains(page, "facturefdp.pdf") {
		t.Errorf("bidi override kept in the name:\n%s", page)
	}
	resp, _ = c.uploadEvidence("CVL-99", tok, "objectif:D1.O3@", "compte-rendu.pdf", pdf)
	if loc := resp.Header.Get("Location"); strings.Contains(loc, "renomme") {
		t.Errorf("a matching name was flagged: %s", loc)
	}
	for in, want := range map[string]string{"a\u202Eb\u2066c\u200Fd.pdf": "abcd.pdf", "x\u200Bz.pdf": "xz.pdf", "\u202E.pdf": "piece.pdf"} {
		if got := cleanFileName(in, "application/pdf"); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDetectEvidence: any content gets a type or a French reason, never a crash.
func FuzzDetectEvidence(f *testing.F) {
	f.Add([]byte("%PDF-1.7\n<< /OpenAction [1 0 R] /JS (x) >>\nstream\nx\x9c\x03\x00\x00\x00\x00\x01\nendstream"))
	f.Add([]byte("%PDF-1.7\n/J#61v#"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ct, why := detectEvidence(data)
		if (ct == "") == (why == "") {
			t.Fatalf("type %q and reason %q", ct, why)
		}
	})
}
