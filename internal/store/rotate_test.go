package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// TestRotateKey (every engine): after a rotation every sealed value opens
// with the new key only; a rotation that fails midway changes nothing.
func TestRotateKey(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := e.config(t)
			cfg.Key = testKey(1)
			s := open(t, cfg)
			fillEverything(t, s)
			ev := firstEvidence(t, s)
			_, before, err := s.EvidenceFileData(ctx, "ARA-99", ev)
			if err != nil {
				t.Fatal(err)
			}
			// A corrupted row makes the rotation fail: nothing is re-sealed.
			var chunk []byte
			s.r.QueryRow(`SELECT sealed FROM evidence_chunks WHERE file = $1 AND seq = 1`, ev).Scan(&chunk)
			bad := append([]byte(nil), chunk...)
			bad[len(bad)-1] ^= 1
			s.w.Exec(`UPDATE evidence_chunks SET sealed = $1 WHERE file = $2 AND seq = 1`, bad, ev)
			if _, err := s.RotateKey(ctx, testKey(2)); !errors.Is(err, ErrWrongKey) {
				t.Fatalf("rotation over a corrupted row: %v", err)
			}
			if c, err := s.ADConnectionOf(ctx, "ARA-99", "ARA-99-ad1"); err != nil || c.Password != "secret" {
				t.Fatalf("old key no longer opens after a failed rotation: %v", err)
			}
			s.w.Exec(`UPDATE evidence_chunks SET sealed = $1 WHERE file = $2 AND seq = 1`, chunk, ev)

			st, err := s.RotateKey(ctx, testKey(2))
			if err != nil {
				t.Fatal(err)
			}
			if st.Reports != 1 || st.Connections != 1 || st.EvidenceChunks != 3 {
				t.Errorf("rotation stats: %+v", st)
			}
			if _, after, err := s.EvidenceFileData(ctx, "ARA-99", ev); err != nil || !bytes.Equal(after, before) {
				t.Errorf("evidence after rotation: %v", err)
			}
			s.Close()
			cfg.Key = testKey(1)
			if _, err := Open(ctx, cfg); !errors.Is(err, ErrWrongKey) {
				t.Errorf("old key still opens the store: %v", err)
			}
			cfg.Key = testKey(2)
			s2 := open(t, cfg)
			if c, err := s2.ADConnectionOf(ctx, "ARA-99", "ARA-99-ad1"); err != nil || c.Password != "secret" {
				t.Errorf("connection with the new key: %+v %v", c, err)
			}
			if _, err := s2.ADReport(ctx, adReportID(t, s2)); err != nil {
				t.Errorf("report with the new key: %v", err)
			}
		})
	}
}

func adReportID(t *testing.T, s *Store) string {
	t.Helper()
	var id string
	if err := s.r.QueryRow(`SELECT id FROM reports WHERE kind = 'ad'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
