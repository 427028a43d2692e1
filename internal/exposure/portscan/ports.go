// Package portscan is a TCP port scanner, by connection or, as root, by SYN
// on raw sockets: bounded concurrency, global and per-host rates, retries,
// a recall pass on hosts that lose probes, a randomised order and a state
// file to resume an interrupted audit.
package portscan

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultPorts is the hospital-relevant list: remote administration, file
// sharing, databases, imaging (DICOM), HL7, VPN gateways, mail and web.
var DefaultPorts = []int{
	21, 22, 23, 25, 53, 80, 104, 110, 111, 135, 139, 143, 389, 443, 445, 465, 587, 636,
	993, 995, 1080, 1194, 1433, 1521, 1723, 2049, 2375, 2376, 2575, 3128, 3306, 3389,
	4242, 4443, 5000, 5432, 5900, 5901, 5985, 5986, 6379, 6443, 7001, 8000, 8008, 8042,
	8080, 8081, 8088, 8443, 8888, 9000, 9090, 9200, 9300, 9443, 10000, 10443, 11112,
	11211, 27017,
}

//go:embed top1000.txt
var top1000Data string

// Top1000 returns Vigie's own list of 1000 common ports (data file top1000.txt).
func Top1000() []int {
	ps, err := ParsePorts(strings.Join(strings.Fields(stripComments(top1000Data)), ","))
	if err != nil {
		panic("top1000.txt: " + err.Error()) // embedded data, checked by a test
	}
	return ps
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// MaxPorts bounds an explicit list (all 65535 ports are allowed).
const MaxPorts = 65535

// ParseSet reads --ports: "default", "top-1000" or an explicit list such as
// "22,80,443,8000-8100".
func ParseSet(s string) ([]int, error) {
	switch strings.TrimSpace(s) {
	case "", "default", "defaut", "défaut":
		return append([]int(nil), DefaultPorts...), nil
	case "top-1000", "top1000":
		return Top1000(), nil
	}
	return ParsePorts(s)
}

// ParsePorts reads a comma-separated list of ports and ranges, sorted and
// without duplicates.
func ParsePorts(s string) ([]int, error) {
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parsePort(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = parsePort(hi); err != nil {
				return nil, err
			}
			if b < a {
				return nil, fmt.Errorf("plage de ports %q à l'envers", part)
			}
		}
		for p := a; p <= b; p++ {
			seen[p] = true
		}
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("liste de ports vide")
	}
	out := make([]int, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Ints(out)
	return out, nil
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port invalide %q (1 à 65535)", s)
	}
	return n, nil
}
