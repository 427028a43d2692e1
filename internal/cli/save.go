package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"vigie/internal/ad"
	"vigie/internal/ad/adcare"
	"vigie/internal/care"
	"vigie/internal/civil"
	"vigie/internal/exposure"
	"vigie/internal/org"
	"vigie/internal/store"
	"vigie/internal/web"
)

// saveFlags are --save and where to store an audit.
type saveFlags struct {
	save bool
	by   string
	sf   storeFlags
}

func (s *saveFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.save, "save", false, "enregistrer l'audit dans la base (il alimente alors l'évaluation CaRE)")
	fs.StringVar(&s.by, "by", "", "qui enregistre (journal des modifications) ; défaut : l'utilisateur courant")
	s.sf.register(fs)
}

// parseEntities reads a comma-separated list of FINESS numbers.
func parseEntities(flagName, list string) ([]org.FINESS, error) {
	var out []org.FINESS
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		f, err := org.ParseFINESS(s)
		if err != nil {
			return nil, usagef("--%s : %s", flagName, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// saveExposure stores an exposure audit run with Vigie and its summary for
// the programme engine.
func (s *saveFlags) saveExposure(ctx context.Context, env *Env, entities []org.FINESS, a *exposure.Audit) (string, error) {
	blob, err := json.Marshal(a)
	if err != nil {
		return "", err
	}
	sum := care.ExposureAudit{Entities: entities, Date: civil.Of(a.FinishedAt.In(zoneOf(env))), CompletePerimeter: a.Complete,
		Counts: &care.Counts{Critical: a.Summary.Critical, High: a.Summary.High, Medium: a.Summary.Medium, Low: a.Summary.Low, Info: a.Summary.Info},
		Source: care.SourceVigie}
	st, err := s.sf.open(ctx, env)
	if err != nil {
		return "", err
	}
	defer st.Close()
	id, err := st.SaveExposureAudit(store.WithActor(ctx, actor(env, s.by)), sum, blob)
	if errors.Is(err, store.ErrNotFound) {
		return "", inputErr(fmt.Errorf("%w : importez d'abord le dossier de l'établissement (vigie import)", err))
	}
	return id, err
}

// saveAD stores an AD audit run with Vigie and its summary for the
// programme engine.
func (s *saveFlags) saveAD(ctx context.Context, env *Env, directory string, r *ad.Report) (string, error) {
	blob, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	a := adcare.Audit(r.Summary(), "", directory, zoneOf(env))
	st, err := s.sf.open(ctx, env)
	if err != nil {
		return "", err
	}
	defer st.Close()
	id, err := st.SaveADAudit(store.WithActor(ctx, actor(env, s.by)), a, blob)
	if errors.Is(err, store.ErrNotFound) {
		return "", inputErr(fmt.Errorf("%w : déclarez l'annuaire dans le dossier (« directories ») puis importez-le (vigie import)", err))
	}
	return id, err
}

// zoneOf is the time zone of the dates Vigie records and shows: the
// application's ($VIGIE_TIMEZONE, else Europe/Paris), as « vigie serve ».
func zoneOf(env *Env) *time.Location {
	if l, err := web.LoadTimeZone(env.Getenv("VIGIE_TIMEZONE")); err == nil {
		return l
	}
	l, _ := web.LoadTimeZone("")
	return l
}
