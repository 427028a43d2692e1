// Package adlab starts the project's throwaway Samba AD domain controller
// (scripts/lab/samba-ad-dc.sh) for end-to-end tests: one DC per machine,
// serialised between test binaries by a lock file, loopback only.
package adlab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// LockPath serialises the test binaries that need the lab DC.
const LockPath = "/tmp/vigie-lab-ad.lock"

// DefaultDir is where the lab DC is provisioned unless VIGIE_LAB_AD_DIR says otherwise.
const DefaultDir = "/tmp/vigie-lab-ad"

// Lab is a running lab DC.
type Lab struct {
	Dir     string
	Script  string
	vars    map[string]string
	started bool     // started by us: Stop stops it
	stopped bool     // stopped by Switch: Resume restarts it
	env     []string // LAB_AD_* settings of a second lab domain
	lock    *os.File
}

// ErrNoSamba means Samba is not installed and installing was not asked.
var ErrNoSamba = errors.New("samba n'est pas installé (scripts/lab/samba-ad-dc.sh install)")

// Script returns the path of scripts/lab/samba-ad-dc.sh, found by walking up
// from the working directory to the module root.
func Script() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "scripts", "lab", "samba-ad-dc.sh"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("racine du module introuvable (go.mod)")
		}
		dir = parent
	}
}

// Start takes the lab lock, then starts (installing and provisioning if
// needed) the DC in dir ("" = VIGIE_LAB_AD_DIR or DefaultDir). Without
// samba on PATH it returns ErrNoSamba unless install is true.
func Start(ctx context.Context, dir string, install bool) (*Lab, error) {
	if _, err := exec.LookPath("samba"); err != nil && !install {
		return nil, ErrNoSamba
	}
	script, err := Script()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = os.Getenv("VIGIE_LAB_AD_DIR")
	}
	if dir == "" {
		dir = DefaultDir
	}
	lock, err := os.OpenFile(LockPath, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("verrou du DC de test : %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		return nil, fmt.Errorf("verrou du DC de test : %w", err)
	}
	l := &Lab{Dir: dir, Script: script, lock: lock}
	running := exec.CommandContext(ctx, script, "status", dir).Run() == nil
	out, err := l.run(ctx, "start")
	if err != nil {
		l.release()
		return nil, err
	}
	l.started = !running
	l.vars = parseEnv(out)
	if l.vars["LAB_AD_BASE_DN"] == "" {
		l.release()
		return nil, fmt.Errorf("samba-ad-dc.sh start : variables LAB_AD_* absentes de la sortie")
	}
	return l, nil
}

// Switch stops this lab's DC and starts, under the same lock, the DC of
// another lab domain provisioned in dir (provisioning it first if needed)
// with the given LAB_AD_* settings (e.g. "LAB_AD_REALM=CHILD.LAB.TEST"):
// Samba runs one DC per machine. Stop the returned Lab, then Resume this
// one.
func (l *Lab) Switch(ctx context.Context, dir string, env ...string) (*Lab, error) {
	if l.lock == nil {
		return nil, errors.New("adlab : Switch sur un lab sans verrou")
	}
	if _, err := l.run(ctx, "stop"); err != nil {
		return nil, err
	}
	l.stopped = true
	o := &Lab{Dir: dir, Script: l.Script, env: env}
	out, err := o.run(ctx, "start")
	if err != nil {
		o.run(ctx, "stop")
		return nil, err
	}
	o.started = true
	o.vars = parseEnv(out)
	if o.vars["LAB_AD_BASE_DN"] == "" {
		o.run(ctx, "stop")
		return nil, fmt.Errorf("samba-ad-dc.sh start %s : variables LAB_AD_* absentes de la sortie", dir)
	}
	return o, nil
}

// Resume restarts the DC Switch stopped.
func (l *Lab) Resume(ctx context.Context) error {
	if !l.stopped {
		return nil
	}
	out, err := l.run(ctx, "start")
	if err != nil {
		return err
	}
	l.stopped = false
	l.vars = parseEnv(out)
	return nil
}

// Run runs a script subcommand (seed, unseed, bulk N…) on this lab.
func (l *Lab) Run(ctx context.Context, args ...string) (string, error) { return l.run(ctx, args...) }

func (l *Lab) run(ctx context.Context, args ...string) (string, error) {
	args = append(args, l.Dir)
	cmd := exec.CommandContext(ctx, l.Script, args...)
	if len(l.env) > 0 {
		cmd.Env = append(os.Environ(), l.env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("samba-ad-dc.sh %s : %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// Get returns a LAB_AD_* connection variable.
func (l *Lab) Get(name string) string { return l.vars[name] }

// Stop stops the DC if this Lab started it, and releases the lock.
func (l *Lab) Stop(ctx context.Context) error {
	defer l.release()
	if !l.started {
		return nil
	}
	_, err := l.run(ctx, "stop")
	return err
}

func (l *Lab) release() {
	if l.lock != nil {
		syscall.Flock(int(l.lock.Fd()), syscall.LOCK_UN)
		l.lock.Close()
		l.lock = nil
	}
}

// parseEnv reads NAME=value lines (value possibly single-quoted).
func parseEnv(s string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || !strings.HasPrefix(k, "LAB_AD_") {
			continue
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		m[k] = v
	}
	return m
}
