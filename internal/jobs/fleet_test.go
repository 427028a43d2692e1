package jobs

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vigie/internal/org"
)

var (
	buildOnce sync.Once
	vigieBin  string
	buildErr  error
	buildDir  string
)

// vigieBinary builds cmd/vigie once per test run.
func vigieBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "vigie-bin-")
		if buildErr != nil {
			return
		}
		vigieBin = filepath.Join(buildDir, "vigie")
		out, err := exec.Command("go", "build", "-o", vigieBin, "vigie/cmd/vigie").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build : %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return vigieBin
}

// stallTarget is a loopback TCP service: it holds its connections without
// answering until released, then answers as an SSH server. started is
// closed at the first connection (a scan is under way).
type stallTarget struct {
	ln       net.Listener
	started  chan struct{}
	released chan struct{}
	once     sync.Once
	mu       sync.Mutex
	held     []net.Conn
}

func newStallTarget(t *testing.T) *stallTarget {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stallTarget{ln: ln, started: make(chan struct{}), released: make(chan struct{})}
	t.Cleanup(func() { ln.Close(); s.release() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.once.Do(func() { close(s.started) })
			go func() {
				<-s.released
				c.SetDeadline(time.Now().Add(5 * time.Second))
				io.WriteString(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
				io.Copy(io.Discard, c)
				c.Close()
			}()
		}
	}()
	return s
}

func (s *stallTarget) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

var releaseMu sync.Mutex

func (s *stallTarget) release() {
	releaseMu.Lock()
	defer releaseMu.Unlock()
	select {
	case <-s.released:
	default:
		close(s.released)
	}
}

// worker is a « vigie worker » process.
type worker struct {
	id  string
	cmd *exec.Cmd
	log *strings.Builder
	mu  sync.Mutex
}

// startWorker starts « vigie worker » on dsn and waits until it is ready.
func startWorker(t *testing.T, bin, dsn, keyFile, id string) *worker {
	t.Helper()
	w := &worker{id: id, log: &strings.Builder{}}
	w.cmd = exec.Command(bin, "worker", "--database", dsn, "--key-file", keyFile, "--data", t.TempDir(),
		"--queues", "exposure=1", "--id", id, "--job-timeout", "10m", "--rescue-after", "8s",
		"--poll-interval", "200ms", "--schedule=false", "--allow-private-targets")
	w.cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+t.TempDir())
	out, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w.cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.log.Write(p)
	})
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		w.cmd.Wait()
		if t.Failed() {
			w.mu.Lock()
			t.Logf("journal de %s :\n%s", id, w.log.String())
			w.mu.Unlock()
		}
	})
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "prêt") {
				ready <- nil
			}
		}
		ready <- fmt.Errorf("l'exécutant %s s'est arrêté avant d'être prêt", id)
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("l'exécutant %s n'est pas prêt après 60 s", id)
	}
	return w
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestKilledWorkerJobRetriedOnce kills with SIGKILL the worker process
// that scans a loopback target, and checks that another worker process
// runs the job again and that the audit is stored exactly once, complete.
func TestKilledWorkerJobRetriedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("processus réels : pas en mode -short")
	}
	t.Parallel()
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			bin := vigieBinary(t)
			dsn := db.dsn(t)
			key := testKey()
			keyFile := filepath.Join(t.TempDir(), "vigie.key")
			if err := os.WriteFile(keyFile, key, 0o600); err != nil {
				t.Fatal(err)
			}
			st, ej := openTestStore(t, dsn, key)
			target := newStallTarget(t)
			ref, err := st.SavePerimeterSnapshot(ctx, fmt.Sprintf("entity %s\nnet 127.0.0.1/32\n", ej), "test")
			if err != nil {
				t.Fatal(err)
			}
			w1 := startWorker(t, bin, dsn, keyFile, "w1")
			w2 := startWorker(t, bin, dsn, keyFile, "w2")
			e, err := Open(ctx, Config{Store: st})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			id, err := e.EnqueueExposure(ctx, ExposureRequest{Entities: []org.FINESS{ej}, Perimeter: ref, Ports: fmt.Sprint(target.port()), By: "test"})
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-target.started:
			case <-time.After(60 * time.Second):
				t.Fatal("aucun exécutant n'a commencé le scan en 60 s")
			}
			j := waitJob(t, e, id, 10*time.Second, func(j Job) bool { return j.State == "running" && len(j.AttemptedBy) > 0 })
			victim, survivor := w1, w2
			if j.AttemptedBy[len(j.AttemptedBy)-1] == "w2" {
				victim, survivor = w2, w1
			}
			if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			victim.cmd.Wait()
			target.release()
			j = waitJob(t, e, id, 150*time.Second, Job.Finished)
			if j.State != "completed" || j.Attempt != 2 {
				t.Fatalf("tâche après la mort de %s : état %s, tentative %d, erreurs %v", victim.id, j.State, j.Attempt, j.Errors)
			}
			if got := strings.Join(j.AttemptedBy, ","); got != victim.id+","+survivor.id {
				t.Fatalf("exécutants %s, attendu %s puis %s", got, victim.id, survivor.id)
			}
			if j.AuditID != ExposureAuditID(j.Run) || !j.Complete {
				t.Fatalf("audit %q complet=%v", j.AuditID, j.Complete)
			}
			f, err := st.LoadFacts(ctx, string(ej))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.ExposureAudits) != 1 || f.ExposureAudits[0].ID != j.AuditID || !f.ExposureAudits[0].CompletePerimeter {
				t.Fatalf("audits enregistrés : %+v (attendu exactement un, complet)", f.ExposureAudits)
			}
			rep, err := st.ExposureReport(ctx, j.AuditID)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf(`"port":%d`, target.port()); !strings.Contains(string(rep), want) {
				t.Fatalf("le rapport ne montre pas le port ouvert %d : %.400s", target.port(), rep)
			}
		})
	}
}
