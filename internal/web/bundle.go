package web

import (
	"archive/zip"
	"bytes"
	"fmt"
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

// bundleZip sends the declaration bundle: status sheet, CSV, XLSX and
// every evidence file the user may see, under preuves/.
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
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return fmt.Errorf("archive, %s : %w", name, err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("archive, %s : %w", name, err)
		}
		return nil
	}
	for _, p := range []struct {
		name string
		data []byte
	}{{"fiche.pdf", pdf}, {"donnees.csv", csvData}, {"donnees.xlsx", xlsx}} {
		if err := add(p.name, p.data); err != nil {
			return err
		}
	}
	for _, row := range b.files {
		_, data, err := s.st.EvidenceFileData(r.Context(), b.v.Applicant.ID, row.File.ID)
		if err != nil {
			return fmt.Errorf("archive, pièce %s : %w", row.File.ID, err)
		}
		if err := add("preuves/"+row.File.ID+"-"+row.File.Name, data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("archive : %w", err)
	}
	sendAttachment(w, b.fileName("declaration.zip"), "application/zip", buf.Bytes())
	return nil
}
