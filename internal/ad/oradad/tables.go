package oradad

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// column is one column of a table as declared in tables.tsv.
type column struct {
	Name    string
	SQLType string
}

// table is one data file declared in tables.tsv.
type table struct {
	Path    string // relative path as written (either slash)
	Name    string // table name, e.g. "domain_lab.test_user"
	Short   string // table name without the domain, e.g. "user"
	Columns []column
}

// index is the content of tables.tsv.
type index struct {
	Base   string // "<forest>_<YYYYMMDD-HHMMSS>"
	Tables []table
}

// parseIndex reads tables.tsv: 8-bit text, LF line ends; line 1 is the base
// name, then one line per table: path, name, short name, column count, and
// that many name<TAB>sqltype pairs.
func parseIndex(r io.Reader, name string) (*index, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	idx := &index{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			idx.Base = strings.TrimPrefix(text, "\ufeff")
			if idx.Base == "" {
				return nil, fmt.Errorf("%s, ligne 1 : nom de l'extraction absent", name)
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 4 {
			return nil, fmt.Errorf("%s, ligne %d : %d champs, au moins 4 attendus (chemin, table, table courte, nombre de colonnes)", name, line, len(f))
		}
		n, err := strconv.Atoi(f[3])
		if err != nil || n < 1 || n > 100000 {
			return nil, fmt.Errorf("%s, ligne %d : nombre de colonnes %q invalide", name, line, f[3])
		}
		if len(f) != 4+2*n {
			return nil, fmt.Errorf("%s, ligne %d : %d colonnes annoncées mais %d champs nom/type", name, line, n, len(f)-4)
		}
		t := table{Path: f[0], Name: f[1], Short: f[2]}
		if t.Path == "" {
			return nil, fmt.Errorf("%s, ligne %d : chemin de table vide", name, line)
		}
		for i := 0; i < n; i++ {
			c := column{Name: f[4+2*i], SQLType: strings.ToLower(f[5+2*i])}
			if c.Name == "" {
				return nil, fmt.Errorf("%s, ligne %d : colonne %d sans nom", name, line, i+1)
			}
			t.Columns = append(t.Columns, c)
		}
		idx.Tables = append(idx.Tables, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s, ligne %d : %w", name, line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("%s : fichier vide", name)
	}
	return idx, nil
}
