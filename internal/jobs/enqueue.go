package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"vigie/internal/org"
)

// ExposureRequest asks for an exposure audit of entities on a referenced perimeter.
type ExposureRequest struct {
	// Applicant is the dossier of the entities (see ExposureArgs).
	Applicant string
	Entities  []org.FINESS
	Perimeter string // reference understood by the PerimeterSource
	Ports     string // « default » when empty
	By        string
}

// EnqueueExposure queues an exposure audit and returns the job's ID.
func (e *Engine) EnqueueExposure(ctx context.Context, r ExposureRequest) (int64, error) {
	if err := validExposure(r); err != nil {
		return 0, err
	}
	return e.insert(ctx, exposureArgs(r))
}

// exposureArgs returns the arguments of a new exposure job.
func exposureArgs(r ExposureRequest) ExposureArgs {
	if r.Ports == "" {
		r.Ports = "default"
	}
	a := ExposureArgs{Run: newRun(), Applicant: r.Applicant, Perimeter: r.Perimeter, Ports: r.Ports, By: r.By}
	for _, f := range r.Entities {
		a.Entities = append(a.Entities, string(f))
	}
	return a
}

// ADRequest asks for an AD audit of a directory with its stored connection.
type ADRequest struct {
	Applicant string
	Directory string
	By        string
}

// EnqueueAD queues an AD audit and returns the job's ID.
func (e *Engine) EnqueueAD(ctx context.Context, r ADRequest) (int64, error) {
	if err := validAD(r); err != nil {
		return 0, err
	}
	return e.insert(ctx, ADArgs{Run: newRun(), Applicant: r.Applicant, Directory: r.Directory, By: r.By})
}

// insert queues a job and returns its ID (the existing job's, for a
// planned run already queued).
func (e *Engine) insert(ctx context.Context, args river.JobArgs) (int64, error) {
	res, err := e.client.Insert(ctx, args, nil)
	if err != nil {
		return 0, fmt.Errorf("mise en file de la tâche : %w", err)
	}
	return res.Job.ID, nil
}

func validExposure(r ExposureRequest) error {
	if len(r.Entities) == 0 || r.Perimeter == "" {
		return errors.New("audit d'exposition : établissement et périmètre requis")
	}
	return nil
}

func validAD(r ADRequest) error {
	if r.Applicant == "" || r.Directory == "" {
		return errors.New("audit AD : dossier et annuaire requis")
	}
	return nil
}

// ParsePorts reads a port list as the workers will (Engines.ParsePorts):
// the launch form checks it before queuing.
func (e *Engine) ParsePorts(spec string) ([]int, error) {
	if e.cfg.Engines.ParsePorts == nil {
		return nil, errors.New("liste de ports non vérifiable : moteurs d'audit absents")
	}
	return e.cfg.Engines.ParsePorts(spec)
}
