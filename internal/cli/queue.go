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
// --queue »): the perimeter file is stored as is and the job names it by
// its ID, never by free-text targets.
func queueExposure(ctx context.Context, env *Env, save *saveFlags, entities []org.FINESS, perimFile, ports string, targets []string) error {
	switch {
	case len(targets) > 0:
		return usagef("exposure scan --queue : pas de cibles en argument, le périmètre entier (--perimeter) est audité")
	case perimFile == "":
		return usagef("exposure scan --queue : --perimeter FICHIER requis")
	case len(entities) == 0:
		return usagef("exposure scan --queue : --entity FINESS requis")
	}
	if _, err := portscan.ParseSet(ports); err != nil {
		return usagef("exposure scan : --ports : %v", err)
	}
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
	st, err := save.sf.open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, e := range entities {
		if _, err := st.Entity(ctx, e); errors.Is(err, store.ErrNotFound) {
			return inputErr(fmt.Errorf("--entity %s : établissement absent de la base", e))
		} else if err != nil {
			return err
		}
	}
	by := actor(env, save.by)
	ref, err := st.SavePerimeterSnapshot(ctx, string(b), by)
	if err != nil {
		return err
	}
	eng, err := openJobs(ctx, env, st, nil, nil, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	id, err := eng.EnqueueExposure(ctx, jobs.ExposureRequest{Entities: entities, Perimeter: ref, Ports: ports, By: by})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Audit d'exposition mis en file : tâche %d (périmètre %s).\n", id, ref[:12])
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
