package web

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	name, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
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
	Size       int       `json:"size,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	UploadedAt time.Time `json:"uploaded_at,omitzero"`
}

// bundleZip sends the declaration bundle: the status sheet, the XLSX
// workbook, one CSV file per table, the evidence files uploaded up to the
// date (under preuves/) and manifeste.json listing every file with its
// SHA-256, the date and the generation time.
func (s *Server) bundleZip(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, err := s.loadBundle(r, rq)
	if err != nil {
		return err
	}
	man := bundleManifest{Format: "vigie-bundle/1", Dossier: b.v.Applicant.ID, Name: b.v.Applicant.Name, AsOf: b.ev.AsOf,
		GeneratedAt: b.now, Partial: b.v.Partial(), Files: []manifestFile{}}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: b.now})
		if err != nil {
			return fmt.Errorf("archive, %s : %w", name, err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("archive, %s : %w", name, err)
		}
		sum := sha256.Sum256(data)
		man.Files = append(man.Files, manifestFile{Name: name, Size: len(data), SHA256: hex.EncodeToString(sum[:])})
		return nil
	}
	pdf, err := b.pdf(true)
	if err != nil {
		return err
	}
	if err := add("fiche.pdf", pdf); err != nil {
		return err
	}
	tables := b.tables()
	xlsx, err := xlsxOf(tables, b.now)
	if err != nil {
		return err
	}
	if err := add("donnees.xlsx", xlsx); err != nil {
		return err
	}
	for i, t := range tables {
		data, err := csvOf(t)
		if err != nil {
			return err
		}
		if err := add(fmt.Sprintf("donnees/%02d-%s.csv", i+1, t.File), data); err != nil {
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
	for _, row := range b.later {
		man.LeftOut = append(man.LeftOut, manifestFile{Name: row.File.Name, UploadedAt: row.File.UploadedAt.In(s.loc)})
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "manifeste.json", Method: zip.Deflate, Modified: b.now})
	if err != nil {
		return fmt.Errorf("archive, manifeste : %w", err)
	}
	if _, err := fw.Write(append(mj, '\n')); err != nil {
		return fmt.Errorf("archive, manifeste : %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("archive : %w", err)
	}
	sendAttachment(w, b.fileName("declaration.zip"), "application/zip", buf.Bytes())
	return nil
}
