//go:build linux

package portscan

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie/internal/testenv"
)

// The two namespaces of TestScanNetns are joined by a veth pair and use the
// benchmarking ranges (RFC 2544, RFC 5180): nothing leaves them.
var (
	nsScanner = []string{"198.18.0.1/24", "2001:2::1/64"}
	nsTarget  = []string{"198.18.0.2/24", "2001:2::2/64"}
)

// TestScanNetns scans, with both methods, a host in a network namespace of
// its own, across a veth from a second namespace, in IPv4 and IPv6:
// listeners on some ports, nothing on others, and nftables dropping a third
// of them (listening or not), as a firewall does. Either method must report
// exactly the listening, not dropped ports.
func TestScanNetns(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCommand(t, "ip")
	testenv.NeedCommand(t, "nft")
	testenv.NeedCommand(t, "ethtool")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id := os.Getpid() % 100000
	scanNS, targetNS := fmt.Sprintf("vigie-ps%d-s", id), fmt.Sprintf("vigie-ps%d-t", id)
	vs, vt := fmt.Sprintf("vps%da", id), fmt.Sprintf("vps%db", id)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s : %v : %s", strings.Join(args, " "), err, out)
		}
	}
	run("ip", "netns", "add", scanNS)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", scanNS).Run() })
	run("ip", "netns", "add", targetNS)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", targetNS).Run() })
	for _, ns := range []string{scanNS, targetNS} {
		// No duplicate address detection on links of our own (it delays
		// IPv6 by about 2 s); the wait below covers a kernel that ignores it.
		run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0")
	}
	run("ip", "-n", scanNS, "link", "add", vs, "type", "veth", "peer", "name", vt, "netns", targetNS)
	for ns, dev := range map[string]string{scanNS: vs, targetNS: vt} {
		addrs := nsScanner
		if ns == targetNS {
			addrs = nsTarget
		}
		run("ip", "-n", ns, "addr", "add", addrs[0], "dev", dev)
		run("ip", "-n", ns, "-6", "addr", "add", addrs[1], "dev", dev, "nodad")
		run("ip", "-n", ns, "link", "set", "lo", "up")
		run("ip", "-n", ns, "link", "set", dev, "up")
		// A veth trusts the checksums of what it carries unless told not
		// to: the receiving stack must verify those of the SYN scan.
		run("ip", "netns", "exec", ns, "ethtool", "-K", dev, "rx", "off")
	}
	// IPv6 neighbour discovery waits for the link-local addresses (DAD).
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		a, _ := exec.Command("ip", "-n", scanNS, "-6", "addr", "show", "tentative").Output()
		b, _ := exec.Command("ip", "-n", targetNS, "-6", "addr", "show", "tentative").Output()
		if len(a)+len(b) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("adresses IPv6 encore provisoires : %s %s", a, b)
		}
	}
	// Explicit port lists (never a range): 8 listening, 4 of them dropped;
	// 6 closed, 2 of them dropped.
	listening := []int{21001, 21002, 21003, 21004, 21005, 21006, 21007, 21008}
	closed := []int{21011, 21012, 21013, 21014, 21015, 21016}
	dropped := []int{21005, 21006, 21007, 21008, 21015, 21016}
	rules := fmt.Sprintf("table inet vigietest {\n chain in {\n  type filter hook input priority 0;\n  tcp dport { %s } drop\n }\n}\n", joinPorts(dropped))
	cmd := exec.Command("ip", "netns", "exec", targetNS, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nft : %v : %s", err, out)
	}

	// Listeners: this test binary, started again inside the target namespace.
	lis := exec.Command("ip", "netns", "exec", targetNS, self, "-test.run=^TestNetnsHelper$")
	lis.Env = append(os.Environ(), "VIGIE_PORTSCAN_HELPER=listen", "VIGIE_PORTSCAN_PORTS="+joinPorts(listening))
	stdin, _ := lis.StdinPipe()
	stdout, _ := lis.StdoutPipe()
	lis.Stderr = os.Stderr
	if err := lis.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = lis.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || !strings.HasPrefix(line, "prêt") {
		t.Fatalf("écoutes dans %s : %q %v", targetNS, line, err)
	}

	var open, never []int
	for _, p := range listening {
		if !contains(dropped, p) {
			open = append(open, p)
		} else {
			never = append(never, p)
		}
	}
	never = append(never, closed...)
	all := joinPorts(append(append([]int(nil), listening...), closed...))
	hosts := []netip.Addr{netip.MustParsePrefix(nsTarget[0]).Addr(), netip.MustParsePrefix(nsTarget[1]).Addr()}
	for _, method := range []string{"connect", "syn"} {
		t.Run(method, func(t *testing.T) {
			c := exec.Command("ip", "netns", "exec", scanNS, self, "-test.run=^TestNetnsHelper$")
			c.Env = append(os.Environ(), "VIGIE_PORTSCAN_HELPER=scan", "VIGIE_PORTSCAN_PORTS="+all,
				"VIGIE_PORTSCAN_HOSTS="+hosts[0].String()+","+hosts[1].String(), "VIGIE_PORTSCAN_SYN="+strconv.FormatBool(method == "syn"), "VIGIE_PORTSCAN_WARM="+strconv.Itoa(open[0]))
			c.Stderr = os.Stderr
			out, err := c.Output()
			if err != nil {
				t.Fatalf("scan dans %s : %v", scanNS, err)
			}
			var res Result
			if err := json.Unmarshal(lastLine(out), &res); err != nil {
				t.Fatalf("résultat illisible : %v : %s", err, out)
			}
			if res.Method != method || !res.Complete {
				t.Fatalf("méthode %q (attendu %s, %s), complet %v", res.Method, method, res.Fallback, res.Complete)
			}
			for _, h := range hosts {
				checkOpen(t, &res, h, open, never)
			}
		})
	}
}

// TestNetnsHelper is TestScanNetns's other half, run inside a namespace.
func TestNetnsHelper(t *testing.T) {
	ports, _ := ParsePorts(os.Getenv("VIGIE_PORTSCAN_PORTS"))
	switch os.Getenv("VIGIE_PORTSCAN_HELPER") {
	case "listen":
		for _, p := range ports {
			l, err := net.Listen("tcp", ":"+strconv.Itoa(p)) // IPv4 and IPv6
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					c.Close()
				}
			}()
		}
		fmt.Println("prêt")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
	case "scan":
		var hosts []netip.Addr
		for _, h := range strings.Split(os.Getenv("VIGIE_PORTSCAN_HOSTS"), ",") {
			hosts = append(hosts, netip.MustParseAddr(h))
		}
		// A new link resolves its first neighbours slowly (the target may
		// not have joined its multicast groups yet): wait until one
		// listening port answers on each host before timing anything.
		warm := os.Getenv("VIGIE_PORTSCAN_WARM")
		for _, h := range hosts {
			for deadline := time.Now().Add(10 * time.Second); ; {
				c, err := net.DialTimeout("tcp", net.JoinHostPort(h.String(), warm), time.Second)
				if err == nil {
					c.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s injoignable : %v", h, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := Scan(ctx, hosts, ports, Options{SYN: os.Getenv("VIGIE_PORTSCAN_SYN") == "true", Retries: 1})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		fmt.Printf("\n%s\n", b)
	default:
		t.Skip("lancé par TestScanNetns dans un espace de noms réseau")
	}
}

func joinPorts(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}

func contains(ps []int, p int) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// lastLine is the last non-empty line of a helper's output (the test
// framework prints PASS after it).
func lastLine(out []byte) []byte {
	var last string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "{") {
			last = l
		}
	}
	return []byte(last)
}
