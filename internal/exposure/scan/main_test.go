package scan

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// labScript is the project's lab (real Debian daemons on 127.0.42.x).
const labScript = "../../../scripts/lab/netlab.sh"

// labBinaries are what scripts/lab/netlab.sh needs already installed.
var labBinaries = []string{"nginx", "/usr/sbin/sshd", "vsftpd", "redis-server", "/usr/sbin/mariadbd",
	"inetutils-inetd", "smbd", "storescp", "storescu", "dump2dcm", "xrdp", "socat", "faketime", "Orthanc", "python3"}

// labErr says why the lab is not available ("" when it runs).
var labErr = "non démarré"

func TestMain(m *testing.M) {
	os.Exit(runWithLab(m))
}

// labLock is the lock every user of the shared lab holds (tests, benches).
const labLock = "/tmp/vigie-netlab-use.lock"

// lockLab takes the lab lock for the whole test binary, unless a calling
// process already holds it (`flock /tmp/vigie-netlab-use.lock go test …`):
// waiting on it then would never end.
func lockLab() func() {
	for pid := os.Getppid(); pid > 1; {
		if holds(pid, labLock) {
			return func() {}
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			break
		}
		// "pid (comm) state ppid …": comm may hold spaces, the last ")" ends it.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 2 {
			break
		}
		pid, _ = strconv.Atoi(f[1])
	}
	f, err := os.OpenFile(labLock, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}
	}
	return func() { f.Close() }
}

// holds reports whether process pid has path open.
func holds(pid int, path string) bool {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return false
	}
	for _, e := range ents {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name())); err == nil && l == path {
			return true
		}
	}
	return false
}

func runWithLab(m *testing.M) int {
	if os.Geteuid() == 0 {
		defer lockLab()()
	}
	dir := ""
	if os.Geteuid() != 0 {
		labErr = "le lab réseau demande root (adresse sur lo, netns)"
	} else if missing := missingBinaries(); len(missing) > 0 {
		labErr = "paquets du lab absents (" + strings.Join(missing, ", ") + ") : scripts/lab/netlab.sh install"
	} else if out, err := exec.Command(labScript, "status").Output(); err == nil && !strings.Contains(string(out), " down") {
		labErr = "" // already running (started by hand): use it, leave it running
	} else {
		dir = os.Getenv("VIGIE_NETLAB_DIR")
		if dir == "" {
			dir = "/tmp/vigie-netlab"
		}
		out, err := exec.Command(labScript, "start", dir).CombinedOutput()
		if err != nil || strings.Contains(string(out), " down") {
			labErr = fmt.Sprintf("démarrage du lab : %v : %s", err, out)
		} else {
			labErr = ""
		}
	}
	code := m.Run()
	if dir != "" {
		if out, err := exec.Command(labScript, "stop", dir).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "arrêt du lab : %v %s\n", err, out)
		}
	}
	return code
}

func missingBinaries() []string {
	var out []string
	for _, b := range labBinaries {
		if _, err := exec.LookPath(b); err != nil {
			out = append(out, b)
		}
	}
	return out
}
