package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// DefaultURL is CISA's official KEV JSON feed.
const DefaultURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// maxFeedSize bounds a downloaded or imported feed (the real one is ~1.3 MB).
const maxFeedSize = 64 << 20

const (
	kevFile  = "kev.json"
	metaFile = "meta.json"
)

// DefaultDir returns the database directory: $XDG_DATA_HOME/vigie/vulndb,
// else $HOME/.local/share/vigie/vulndb.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "vigie", "vulndb"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "vigie", "vulndb"), nil
	}
	return "", errors.New("impossible de déterminer le dossier de données : définir XDG_DATA_HOME ou HOME, ou passer --data DOSSIER")
}

// Meta records where and when the installed catalogue came from.
type Meta struct {
	Source     string    `json:"source"`
	ImportedAt time.Time `json:"imported_at"`
}

// Open loads the database of dir: the embedded ranges plus the KEV catalogue
// installed there, if any (a missing catalogue is not an error).
func Open(dir string) (*DB, error) {
	data, err := os.ReadFile(filepath.Join(dir, kevFile))
	if errors.Is(err, fs.ErrNotExist) {
		return New(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la base de vulnérabilités : %w", err)
	}
	c, err := ParseKEV(data)
	if err != nil {
		return nil, fmt.Errorf("%s : %w", filepath.Join(dir, kevFile), err)
	}
	return New(c)
}

// Install validates a KEV feed and stores it in dir (atomically, replacing
// any previous one). source is recorded (a URL or a file name).
func Install(dir string, data []byte, source string, now time.Time) (*Catalog, error) {
	c, err := ParseKEV(data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("création du dossier %s : %w", dir, err)
	}
	if err := writeAtomic(filepath.Join(dir, kevFile), data); err != nil {
		return nil, err
	}
	meta, _ := json.MarshalIndent(Meta{Source: source, ImportedAt: now.UTC()}, "", "  ")
	if err := writeAtomic(filepath.Join(dir, metaFile), meta); err != nil {
		return nil, err
	}
	return c, nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("écriture de %s : %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("écriture de %s : %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("écriture de %s : %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("écriture de %s : %w", path, err)
	}
	return nil
}

// ReadFeed reads a feed from r, refusing more than 64 MiB.
func ReadFeed(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFeedSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFeedSize {
		return nil, fmt.Errorf("flux trop volumineux (plus de %d Mio)", maxFeedSize>>20)
	}
	return data, nil
}

// Fetch downloads a KEV feed from url.
func Fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("adresse %q invalide : %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "vigie-vulndb")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("téléchargement de %s : %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("téléchargement de %s : réponse HTTP %s", url, resp.Status)
	}
	data, err := ReadFeed(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("téléchargement de %s : %w", url, err)
	}
	return data, nil
}

// Status describes the installed database.
type Status struct {
	Dir            string
	Installed      bool // a KEV catalogue is installed
	CatalogVersion string
	DateReleased   time.Time
	KEVCount       int
	Meta           Meta
	RangesVersion  string
	Products       int
	CVEs           int
	// CVEsInKEV counts the range-file CVEs present in the installed catalogue.
	CVEsInKEV int
}

// ReadStatus describes the database in dir.
func ReadStatus(dir string) (Status, error) {
	db, err := Open(dir)
	if err != nil {
		return Status{}, err
	}
	st := Status{Dir: dir, RangesVersion: db.ranges.Version, Products: len(db.ranges.Products)}
	for _, p := range db.ranges.Products {
		for _, v := range p.Vulns {
			st.CVEs++
			if _, ok := db.kev[v.CVE]; ok {
				st.CVEsInKEV++
			}
		}
	}
	if c := db.catalog; c != nil {
		st.Installed = true
		st.CatalogVersion = c.CatalogVersion
		st.DateReleased = c.DateReleased
		st.KEVCount = len(c.Vulnerabilities)
		if m, err := os.ReadFile(filepath.Join(dir, metaFile)); err == nil {
			_ = json.Unmarshal(m, &st.Meta)
		}
	}
	return st, nil
}
