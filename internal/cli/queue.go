package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"vigie/internal/exposure/portscan"
	"vigie/internal/exposure/scope"
	"vigie/internal/jobs"
	"vigie/internal/org"
	"vigie/internal/store"
)

// queueExposure enqueues an exposure audit (« vigie exposure scan
// --queue »): of the perimeter file, stored as is and named by its ID in
// the job (never free-text targets); or, without --perimeter, of the
// entity's approved perimeter as it is when the job runs.
func queueExposure(ctx context.Context, env *Env, save *saveFlags, entities []org.FINESS, perimFile, ports string, targets []string) error {
	switch {
	case len(targets) > 0:
		return usagef("exposure scan --queue : pas de cibles en argument, le périmètre entier (--perimeter, ou le périmètre approuvé) est audité")
	case len(entities) == 0:
		return usagef("exposure scan --queue : --entity FINESS requis")
	case perimFile == "" && len(entities) != 1:
		return usagef("exposure scan --queue : sans --perimeter, une seule --entity (son périmètre approuvé est audité)")
	}
	if _, err := portscan.ParseSet(ports); err != nil {
		return usagef("exposure scan : --ports : %v", err)
	}
	var text []byte
	if perimFile != "" {
		b, err := os.ReadFile(perimFile)
		if err != nil {
			return inputErr(fmt.Errorf("périmètre %s : %w", perimFile, err))
		}
		p, err := scope.Parse(strings.NewReader(string(b)))
		if err != nil {
			return inputErr(fmt.Errorf("périmètre %s : %w", perimFile, err))
		}
		if p.Empty() {
			return inputErr(fmt.Errorf("périmètre %s : vide", perimFile))
		}
		text = b
	}
	st, err := save.sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	applicant := ""
	for _, e := range entities {
		a, err := st.ApplicantOf(ctx, e)
		if errors.Is(err, store.ErrNotFound) {
			return inputErr(fmt.Errorf("--entity %s : établissement absent de la base ou d'aucun dossier", e))
		} else if err != nil {
			return err
		}
		if applicant != "" && a.ID != applicant {
			return inputErr(fmt.Errorf("--entity %s : d'un autre dossier (%s) que les précédents (%s)", e, a.ID, applicant))
		}
		applicant = a.ID
	}
	by := actor(env, save.by)
	ref, shown := jobs.ApprovedRef(entities[0]), "périmètre approuvé de "+string(entities[0])
	if text == nil {
		if _, err := st.ApprovedExposurePerimeter(ctx, entities[0]); err != nil {
			return inputErr(fmt.Errorf("--entity %s : %w (ou donnez --perimeter FICHIER)", entities[0], err))
		}
	} else {
		if ref, err = st.SavePerimeterSnapshot(ctx, string(text), by); err != nil {
			return err
		}
		shown = "périmètre " + ref[:12]
	}
	eng, err := openJobs(ctx, env, st, nil, nil, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	id, err := eng.EnqueueExposure(ctx, jobs.ExposureRequest{Applicant: applicant, Entities: entities, Perimeter: ref, Ports: ports, By: by})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Audit d'exposition mis en file : tâche %d (%s).\n", id, shown)
	return nil
}

// queueAD enqueues an AD audit of a directory with its stored connection
// (« vigie ad audit --queue --directory ID »).
func queueAD(ctx context.Context, env *Env, save *saveFlags, directory string) error {
	if directory == "" {
		return usagef("vigie ad audit --queue : --directory ID requis")
	}
	st, err := save.sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	app, err := st.DirectoryApplicant(ctx, directory)
	if errors.Is(err, store.ErrNotFound) {
		return inputErr(fmt.Errorf("--directory %s : annuaire absent de la base", directory))
	} else if err != nil {
		return err
	}
	if _, err := st.ADConnectionOf(ctx, app, directory); errors.Is(err, store.ErrNotFound) {
		return inputErr(fmt.Errorf("--directory %s : aucune connexion enregistrée pour cet annuaire (à saisir dans l'interface web)", directory))
	} else if err != nil {
		return err
	}
	eng, err := openJobs(ctx, env, st, nil, nil, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	id, err := eng.EnqueueAD(ctx, jobs.ADRequest{Applicant: app, Directory: directory, By: actor(env, save.by)})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Audit AD mis en file : tâche %d (annuaire %s).\n", id, directory)
	return nil
}
