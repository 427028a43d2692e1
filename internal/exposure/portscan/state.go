package portscan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
)

// State is what the state file keeps so that an interrupted scan resumes:
// the order (seed), how far every job is done (Done: the first Done jobs of
// the order are finished), and the open ports found so far.
type State struct {
	Version int    `json:"version"`
	Plan    string `json:"plan"` // hash of hosts and ports: a state only resumes the same scan
	Seed    uint64 `json:"seed"`
	Done    uint64 `json:"done"`
	Total   uint64 `json:"total"`
	Open    []Open `json:"open"`
}

func planHash(hosts []netip.Addr, ports []int) string {
	h := sha256.New()
	for _, a := range hosts {
		b, _ := a.MarshalBinary()
		h.Write(b)
		h.Write([]byte{0})
	}
	var buf [4]byte
	for _, p := range ports {
		binary.BigEndian.PutUint32(buf[:], uint32(p))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// LoadState reads a state file; a missing file gives nil and no error.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fichier d'état %s : %w", path, err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil || s.Version != 1 {
		return nil, fmt.Errorf("fichier d'état %s illisible (supprimez-le pour recommencer le scan)", path)
	}
	return &s, nil
}

// Save writes the state atomically (temporary file then rename).
func (s *State) Save(path string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("fichier d'état %s : %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("fichier d'état %s : %w", path, err)
	}
	return nil
}
