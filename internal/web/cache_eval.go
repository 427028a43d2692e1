package web

import (
	"context"
	"fmt"
	"slices"

	"vigie/internal/care"
	"vigie/internal/civil"
)

// cachedEvaluation returns the facts of dossier id and their evaluation
// at asOf with opts, unfiltered, from the cache when they were computed
// at the dossier's current version (versions.go), else from the store
// (then cached; concurrent misses share one load and one evaluation). The
// results are fresh struct copies whose slices are shared with the
// cache: callers may reassign fields (filterEvaluation does) but must not
// write into the slices. key names the data, date and options behind the
// evaluation; responses built from it extend it (cache_page.go).
func (s *Server) cachedEvaluation(ctx context.Context, id string, asOf civil.Date, opts care.Options) (ev *care.Evaluation, f *care.Facts, key string, err error) {
	f, fk, err := s.cachedFactsKey(ctx, id)
	if err != nil {
		return nil, nil, "", err
	}
	key = fmt.Sprintf("%s\x00%s\x00%+v", fk, asOf, opts)
	if x, ok := s.cache.evals.get(key); ok {
		ev = x.(*care.Evaluation)
	} else {
		x, err := s.cache.shared(ctx, "eval\x00"+key, func() (any, error) {
			fc := *f
			ev, err := s.cat.Evaluate(&fc, asOf, opts)
			if err != nil {
				return nil, fmt.Errorf("évaluation du dossier %s : %w", id, err)
			}
			ev.Prerequisites, ev.Results, ev.Objectives = slices.Clip(ev.Prerequisites), slices.Clip(ev.Results), slices.Clip(ev.Objectives)
			s.cache.evals.put(key, ev)
			return ev, nil
		})
		if err != nil {
			return nil, nil, "", err
		}
		ev = x.(*care.Evaluation)
	}
	evc, fc := *ev, *f
	return &evc, &fc, key, nil
}

// cachedFacts returns the facts of dossier id as loaded (unfiltered),
// from the cache when they were read at the dossier's current version,
// else from the store (then cached; concurrent misses share one load).
// They are shared with the cache: read them, never write into them.
func (s *Server) cachedFacts(ctx context.Context, id string) (*care.Facts, error) {
	f, _, err := s.cachedFactsKey(ctx, id)
	return f, err
}

// cachedFactsKey is cachedFacts that also returns the facts' cache key.
func (s *Server) cachedFactsKey(ctx context.Context, id string) (*care.Facts, string, error) {
	s.cache.init()
	if _, err := s.syncVersions(ctx); err != nil {
		return nil, "", err
	}
	// The dossier's version: other dossiers' writes leave it (and the
	// entries below) valid. Facts read after it are at least that recent.
	fk := factsKey(id, s.dossierVersion(id))
	if x, ok := s.cache.facts.get(fk); ok {
		return x.(*care.Facts), fk, nil
	}
	x, err := s.cache.shared(ctx, "facts\x00"+fk, func() (any, error) {
		loaded, err := s.st.LoadFacts(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("dossier %s : %w", id, err)
		}
		clipFacts(&loaded)
		s.cache.facts.put(fk, &loaded)
		return &loaded, nil
	})
	if err != nil {
		return nil, "", err
	}
	return x.(*care.Facts), fk, nil
}

// factsKey is the cache key of a dossier's facts at a data version.
func factsKey(id string, version int64) string {
	return fmt.Sprintf("%s\x00%d", id, version)
}

// clipFacts caps each list at its length, so that appending to a shared
// copy reallocates instead of writing into the cached array.
func clipFacts(f *care.Facts) {
	f.Entities, f.Prerequisites, f.Directories = slices.Clip(f.Entities), slices.Clip(f.Prerequisites), slices.Clip(f.Directories)
	f.ADAudits, f.ExposureAudits, f.Exercises = slices.Clip(f.ADAudits), slices.Clip(f.ExposureAudits), slices.Clip(f.Exercises)
	f.OSIS, f.Budget = slices.Clip(f.OSIS), slices.Clip(f.Budget)
	f.Dossier.Steps, f.Dossier.Payments = slices.Clip(f.Dossier.Steps), slices.Clip(f.Dossier.Payments)
}
