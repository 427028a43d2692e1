package scope

import "fmt"

// Restrict builds the perimeter of a run limited to some targets of a
// declared perimeter. Every target must lie inside the declared perimeter (the
// French error names the first that does not); addresses the target names
// resolve to are judged by the declared perimeter's rules.
func Restrict(declared *Perimeter, targets []string) (*Perimeter, error) {
	g := NewGuard(declared)
	sub := &Perimeter{Entities: declared.Entities, Excludes: declared.Excludes, within: declared}
	for _, t := range targets {
		if err := g.CheckTarget(t); err != nil {
			return nil, err
		}
		if err := sub.AddTarget(t); err != nil {
			return nil, fmt.Errorf("cible %s : %w", t, err)
		}
	}
	return sub, nil
}

// Within returns the declared perimeter a restricted run belongs to, or nil.
func (p *Perimeter) Within() *Perimeter { return p.within }
