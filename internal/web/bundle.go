package web

import (
	"archive/zip"
	"fmt"
	"io"
	"net/http"
	"time"

	"vigie/internal/care"
)

// bundleParts is a dossier's declaration material, evaluated at one date.
type bundleParts struct {
	v     *view
	ev    *care.Evaluation
	f     *care.Facts
	files []evidenceRow
}

// loadBundle loads what a bundle part needs, for a user in scope,
// evaluated at ?at= (today by default).
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
	return &bundleParts{v: v, ev: ev, f: f, files: rows}, nil
}

func (b *bundleParts) pdf(now time.Time, compress bool) ([]byte, error) {
	return statusPDF(statusSheet{Applicant: b.v.Applicant.Name + " (" + b.v.Applicant.ID + ")", Partial: b.v.Partial(),
		Ev: b.ev, Files: b.files, Generated: now}, compress)
}

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
	data, err := b.pdf(s.now(), true)
	if err != nil {
		return err
	}
	sendAttachment(w, b.fileName("fiche.pdf"), "application/pdf", data)
	return nil
}

// bundleCSV sends all the records as CSV.
func (s *Server) bundleCSV(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	data, err := recordsCSV(recordSheets(b.ev, b.f))
	if err != nil {
		return err
	}
	sendAttachment(w, b.fileName("donnees.csv"), "text/csv; charset=utf-8", data)
	return nil
}

// bundleXLSX sends all the records as an XLSX workbook.
func (s *Server) bundleXLSX(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	data, err := recordsXLSX(recordSheets(b.ev, b.f))
	if err != nil {
		return err
	}
	sendAttachment(w, b.fileName("donnees.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
	return nil
}

// bundleZip streams the declaration bundle: status sheet, CSV, XLSX and
// every evidence file the user may see, under preuves/. The archive is
// written to the client as it is built, each evidence file decrypted one
// chunk at a time: memory stays bounded whatever the size of the
// evidence. A failure once the download has started aborts the connection
// (the client sees an incomplete download, never a truncated valid zip).
func (s *Server) bundleZip(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	sheets := recordSheets(b.ev, b.f)
	pdf, err := b.pdf(s.now(), true)
	if err != nil {
		return err
	}
	csvData, err := recordsCSV(sheets)
	if err != nil {
		return err
	}
	xlsx, err := recordsXLSX(sheets)
	if err != nil {
		return err
	}
	startAttachment(w, b.fileName("declaration.zip"), "application/zip")
	zw := zip.NewWriter(w)
	entry := func(name string, method uint16) (io.Writer, error) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: s.now()})
		if err != nil {
			return nil, fmt.Errorf("archive, %s : %w", name, err)
		}
		return fw, nil
	}
	fail := func(err error) error {
		s.log.ErrorContext(r.Context(), "archive interrompue", "dossier", b.v.Applicant.ID, "erreur", err)
		panic(http.ErrAbortHandler) // headers are sent: cut the connection
	}
	for _, p := range []struct {
		name string
		data []byte
	}{{"fiche.pdf", pdf}, {"donnees.csv", csvData}, {"donnees.xlsx", xlsx}} {
		fw, err := entry(p.name, zip.Deflate)
		if err == nil {
			_, err = fw.Write(p.data)
		}
		if err != nil {
			return fail(err)
		}
	}
	for _, row := range b.files {
		// Evidence is PDF, images and office files, compressed already: stored as is.
		fw, err := entry("preuves/"+row.File.ID+"-"+row.File.Name, zip.Store)
		if err != nil {
			return fail(err)
		}
		if _, err := s.st.WriteEvidenceFile(r.Context(), b.v.Applicant.ID, row.File.ID, fw); err != nil {
			return fail(fmt.Errorf("archive, pièce %s : %w", row.File.ID, err))
		}
	}
	if err := zw.Close(); err != nil {
		return fail(fmt.Errorf("archive : %w", err))
	}
	return nil
}
