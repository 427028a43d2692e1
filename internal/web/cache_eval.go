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
// (then cached). The
// results are fresh struct copies whose slices are shared with the
// cache: callers may reassign fields (filterEvaluation does) but must not
// write into the slices. key names the data, date and options behind the
// evaluation; responses built from it extend it (cache_page.go).
func (s *Server) cachedEvaluation(ctx context.Context, id string, asOf civil.Date, opts care.Options) (ev *care.Evaluation, f *care.Facts, key string, err error) {
	s.cache.init()
	if _, err := s.syncVersions(ctx); err != nil {
		return nil, nil, "", err
	}
	// The dossier's version: other dossiers' writes leave it (and the
	// entries below) valid. Facts read after it are at least that recent.
	ver := s.dossierVersion(id)
	fk := factsKey(id, ver)
	if x, ok := s.cache.facts.get(fk); ok {
		f = x.(*care.Facts)
	} else {
		loaded, err := s.st.LoadFacts(ctx, id)
		if err != nil {
			return nil, nil, "", fmt.Errorf("dossier %s : %w", id, err)
		}
		clipFacts(&loaded)
		f = &loaded
		s.cache.facts.put(fk, f)
	}
	key = fmt.Sprintf("%s\x00%s\x00%+v", fk, asOf, opts)
	if x, ok := s.cache.evals.get(key); ok {
		ev = x.(*care.Evaluation)
	} else {
		fc := *f
		if ev, err = s.cat.Evaluate(&fc, asOf, opts); err != nil {
			return nil, nil, "", fmt.Errorf("évaluation du dossier %s : %w", id, err)
		}
		ev.Prerequisites, ev.Results, ev.Objectives = slices.Clip(ev.Prerequisites), slices.Clip(ev.Results), slices.Clip(ev.Objectives)
		s.cache.evals.put(key, ev)
	}
	evc, fc := *ev, *f
	return &evc, &fc, key, nil
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
