package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"vigie/internal/civil"
)

// TestBundleStreamManifestAndAbort: the streamed bundle carries an
// evidence file of several chunks whole, with its size and SHA-256 in
// manifeste.json, the archive's last entry; when a chunk cannot be
// decrypted mid-stream, the download is cut (the client never gets a
// valid archive with a truncated file).
func TestBundleStreamManifestAndAbort(t *testing.T) {
	e, dbPath := newKeyedEnv(t, nil)
	c := e.login("referent-ght")
	data := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 700<<10)...) // three chunks of 256 KiB
	rand.Read(data[8:])
	_, page := c.get("/dossiers/CVL-99/preuves")
	if resp, body := c.uploadEvidence("CVL-99", csrfOf(t, page), "objectif:D1.O3@", "capture.png", data); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.2000s", resp.StatusCode, body)
	}
	// The bundle at the upload's date (later evidence is left out).
	fs, err := e.st.EvidenceFiles(context.Background(), "CVL-99")
	if err != nil || len(fs) == 0 {
		t.Fatalf("evidence files: %v", err)
	}
	at := ""
	for _, f := range fs {
		if f.Name == "capture.png" {
			at = civil.Of(f.UploadedAt.In(parisZone())).String()
		}
	}
	download := func() ([]byte, error) {
		resp, err := c.hc.Get(e.srv.URL + "/dossiers/CVL-99/bundle.zip?at=" + at)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("bundle: %d", resp.StatusCode)
		}
		return io.ReadAll(resp.Body)
	}
	b, err := download()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	last := zr.File[len(zr.File)-1]
	if last.Name != "manifeste.json" {
		t.Errorf("last entry %s, want manifeste.json", last.Name)
	}
	rc, err := last.Open()
	if err != nil {
		t.Fatal(err)
	}
	var man bundleManifest
	err = json.NewDecoder(rc).Decode(&man)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	found := false
	for _, f := range man.Files {
		if f.SHA256 == hex.EncodeToString(sum[:]) && f.Size == int64(len(data)) {
			found = true
		}
	}
	if !found {
		t.Errorf("manifest lacks the evidence file (%d bytes): %+v", len(data), man.Files)
	}
	if len(man.Files) != len(zr.File)-1 {
		t.Errorf("manifest lists %d files, the archive holds %d besides it", len(man.Files), len(zr.File)-1)
	}

	// A chunk that no longer decrypts: the stream is cut.
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if res, err := db.Exec(`UPDATE evidence_chunks SET sealed = (SELECT sealed FROM evidence_chunks c WHERE c.file = evidence_chunks.file AND c.seq = 0) WHERE seq = 1`); err != nil {
		t.Fatal(err)
	} else if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no second chunk to spoil")
	}
	b, err = download()
	if err == nil {
		if _, zerr := zip.NewReader(bytes.NewReader(b), int64(len(b))); zerr == nil {
			t.Fatal("a bundle whose evidence cannot be read was sent as a valid archive")
		}
	}
}
