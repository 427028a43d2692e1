package web

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"time"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// bundleParts is a dossier's declaration material, evaluated at one date.
type bundleParts struct {
	v     *view
	ev    *care.Evaluation
	f     *care.Facts
	wave  *care.Wave
	files []evidenceRow // uploaded on or before the date
	later []evidenceRow // uploaded after the date: left out
	now   time.Time     // generation time, in the server's time zone
}

// loadBundle loads what a bundle part needs, for a user in scope,
// evaluated at ?at= (the default date otherwise). Evidence files uploaded
// after that date are left out: the bundle shows the dossier as it was.
func (s *Server) loadBundle(r *http.Request, rq *request) (*bundleParts, error) {
	v, err := s.loadApplicantView(r.Context(), rq.scope, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	asOf, _, err := s.asOf(r)
	if err != nil {
		return nil, err
	}
	ev, f, err := s.evaluate(r.Context(), v, asOf)
	if err != nil {
		return nil, err
	}
	rows, err := s.evidenceRows(r.Context(), v, ev, f)
	if err != nil {
		return nil, err
	}
	b := &bundleParts{v: v, ev: ev, f: f, now: s.now().In(s.loc)}
	if wv, err := s.cat.Wave(ev.Wave); err == nil {
		b.wave = wv
	}
	for _, row := range rows {
		if civil.Of(row.File.UploadedAt.In(s.loc)).After(asOf) {
			b.later = append(b.later, row)
		} else {
			b.files = append(b.files, row)
		}
	}
	return b, nil
}

func (b *bundleParts) pdf(compress bool) ([]byte, error) {
	return statusPDF(statusSheet{Applicant: b.v.Applicant.Name + " (" + b.v.Applicant.ID + ")", Partial: b.v.Partial(),
		Ev: b.ev, Wave: b.wave, Files: b.files, Generated: b.now}, compress)
}

func (b *bundleParts) tables() []table { return recordTables(b.ev, b.f, b.wave) }

// fileName is the download name of a part.
func (b *bundleParts) fileName(part string) string {
	return fmt.Sprintf("vigie-%s-%s-%s", b.v.Applicant.ID, b.ev.AsOf, part)
}

// bundlePDF sends the French status sheet.
func (s *Server) bundlePDF(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	data, err := b.pdf(true)
	if err != nil {
		return err
	}
	sendAttachment(w, b.fileName("fiche.pdf"), "application/pdf", data)
	return nil
}

// bundleCSV sends one table of the records as CSV (/donnees/TABLE.csv).
func (s *Server) bundleCSV(w http.ResponseWriter, r *http.Request, rq *request) error {
	name, ok := strings.CutSuffix(r.PathValue("table"), ".csv")
	if !ok {
		return errOutOfScope
	}
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	for _, t := range b.tables() {
		if t.File == name {
			data, err := csvOf(t)
			if err != nil {
				return err
			}
			sendAttachment(w, b.fileName(t.File+".csv"), "text/csv; charset=utf-8", data)
			return nil
		}
	}
	return errOutOfScope
}

// bundleXLSX sends all the records as an XLSX workbook.
func (s *Server) bundleXLSX(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	data, err := xlsxOf(b.tables(), b.now)
	if err != nil {
		return err
	}
	sendAttachment(w, b.fileName("donnees.xlsx"), xlsxType, data)
	return nil
}

// xlsxType is the content type of a workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// bundleManifest is manifeste.json, the bundle's table of contents.
type bundleManifest struct {
	Format      string         `json:"format"`
	Dossier     string         `json:"dossier"`
	Name        string         `json:"name"`
	AsOf        civil.Date     `json:"as_of"`
	GeneratedAt time.Time      `json:"generated_at"`
	Partial     bool           `json:"partial_view"`
	Files       []manifestFile `json:"files"`
	// LeftOut lists the evidence files uploaded after the date.
	LeftOut []manifestFile `json:"evidence_left_out,omitempty"`
}

// manifestFile is one file of the bundle.
type manifestFile struct {
	Name       string    `json:"name"`
	Size       int64     `json:"size,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	UploadedAt time.Time `json:"uploaded_at,omitzero"`
}

// bundleZip streams the declaration bundle: the status sheet, the XLSX
// workbook, one CSV file per table, the evidence files uploaded up to the
// date (under preuves/) and, last, manifeste.json listing every file with
// its size and SHA-256 (computed as the file is written), the date and the
// generation time. The archive is written to the client as it is built,
// each evidence file decrypted one chunk at a time: memory stays bounded
// whatever the size of the evidence. A failure once the download has
// started aborts the connection (the client sees an incomplete download,
// never a truncated valid zip).
func (s *Server) bundleZip(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	man := bundleManifest{Format: "vigie-bundle/1", Dossier: b.v.Applicant.ID, Name: b.v.Applicant.Name, AsOf: b.ev.AsOf,
		GeneratedAt: b.now, Partial: b.v.Partial(), Files: []manifestFile{}}
	for _, row := range b.later {
		man.LeftOut = append(man.LeftOut, manifestFile{Name: row.File.Name, UploadedAt: row.File.UploadedAt.In(s.loc)})
	}
	// The generated parts are small: built before the first byte is sent,
	// so that an error still gets an error page.
	type part struct {
		name string
		data []byte
	}
	pdf, err := b.pdf(true)
	if err != nil {
		return err
	}
	tables := b.tables()
	xlsx, err := xlsxOf(tables, b.now)
	if err != nil {
		return err
	}
	parts := []part{{"fiche.pdf", pdf}, {"donnees.xlsx", xlsx}}
	for i, t := range tables {
		data, err := csvOf(t)
		if err != nil {
			return err
		}
		parts = append(parts, part{fmt.Sprintf("donnees/%02d-%s.csv", i+1, t.File), data})
	}
	startAttachment(w, b.fileName("declaration.zip"), "application/zip")
	zw := zip.NewWriter(w)
	fail := func(err error) error {
		s.log.ErrorContext(r.Context(), "archive interrompue", "dossier", b.v.Applicant.ID, "erreur", err)
		panic(http.ErrAbortHandler) // headers are sent: cut the connection
	}
	// entry opens an archive entry whose bytes are counted and hashed for
	// the manifest; done records them once the entry is written.
	entry := func(name string, method uint16) (*hashedWriter, error) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: b.now})
		if err != nil {
			return nil, fmt.Errorf("archive, %s : %w", name, err)
		}
		return &hashedWriter{w: fw, h: sha256.New()}, nil
	}
	done := func(name string, hw *hashedWriter) {
		man.Files = append(man.Files, manifestFile{Name: name, Size: hw.n, SHA256: hex.EncodeToString(hw.h.Sum(nil))})
	}
	for _, p := range parts {
		hw, err := entry(p.name, zip.Deflate)
		if err == nil {
			_, err = hw.Write(p.data)
		}
		if err != nil {
			return fail(fmt.Errorf("archive, %s : %w", p.name, err))
		}
		done(p.name, hw)
	}
	for _, row := range b.files {
		// Evidence is PDF, images and office files, compressed already: stored as is.
		name := "preuves/" + row.File.ID + "-" + row.File.Name
		hw, err := entry(name, zip.Store)
		if err != nil {
			return fail(err)
		}
		if _, err := s.st.WriteEvidenceFile(r.Context(), b.v.Applicant.ID, row.File.ID, hw); err != nil {
			return fail(fmt.Errorf("archive, pièce %s : %w", row.File.ID, err))
		}
		done(name, hw)
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fail(fmt.Errorf("archive, manifeste : %w", err))
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "manifeste.json", Method: zip.Deflate, Modified: b.now})
	if err == nil {
		_, err = fw.Write(append(mj, '\n'))
	}
	if err != nil {
		return fail(fmt.Errorf("archive, manifeste : %w", err))
	}
	if err := zw.Close(); err != nil {
		return fail(fmt.Errorf("archive : %w", err))
	}
	return nil
}

// hashedWriter passes bytes on to w, counting and hashing them.
type hashedWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashedWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}
