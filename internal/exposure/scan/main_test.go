package scan

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
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

func runWithLab(m *testing.M) int {
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
