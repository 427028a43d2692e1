package opssies

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"vigie/internal/exposure"
)

//go:embed levels.json
var levelsData []byte

// LevelTable is the documented convention Vigie uses for outcome.level (the
// official one is not public): rows are tried in order, the first whose
// limits the counts satisfy gives the level; a missing limit is unbounded.
type LevelTable struct {
	Convention  string     `json:"convention"`
	Description string     `json:"description"`
	Levels      []LevelRow `json:"levels"`
}

// LevelRow is one level with its limits.
type LevelRow struct {
	Level       int    `json:"level"`
	Label       string `json:"label"`
	MaxCritical *int   `json:"max_critical,omitempty"`
	MaxHigh     *int   `json:"max_high,omitempty"`
}

// Levels returns the embedded convention.
func Levels() (*LevelTable, error) {
	var t LevelTable
	if err := json.Unmarshal(levelsData, &t); err != nil {
		return nil, fmt.Errorf("table des niveaux : %w", err)
	}
	if len(t.Levels) == 0 || t.Levels[len(t.Levels)-1].MaxCritical != nil || t.Levels[len(t.Levels)-1].MaxHigh != nil {
		return nil, fmt.Errorf("table des niveaux : la dernière ligne doit être sans limite")
	}
	return &t, nil
}

// Level returns the row the counts fall in.
func (t *LevelTable) Level(s exposure.Summary) LevelRow {
	for _, r := range t.Levels {
		if r.MaxCritical != nil && s.Critical > *r.MaxCritical {
			continue
		}
		if r.MaxHigh != nil && s.High > *r.MaxHigh {
			continue
		}
		return r
	}
	return t.Levels[len(t.Levels)-1]
}

// CriticalFree says whether a level of this convention implies zero critical
// findings; ok is false for a level the table does not define.
func (t *LevelTable) CriticalFree(level int) (free, ok bool) {
	for _, r := range t.Levels {
		if r.Level == level {
			return r.MaxCritical != nil && *r.MaxCritical == 0, true
		}
	}
	return false, false
}
