package probe

import (
	"context"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/internal/testenv"
)

const nmapSample = `# sample in the nmap-service-probes format
Probe TCP NULL q||
totalwaitms 6000
match pop3 m|^\+OK Dovecot ready\.\r\n| p/Dovecot pop3d/ cpe:/a:dovecot:dovecot/a
match ftp m|^220 ([\w.-]+) FTP server \(Version ([\d.]+)\) ready\.\r\n|s p/BSD ftpd/ v/$2/ h/$1/
match binary m|^\xff\xfe\x01(..)| p/Binary thing/ v/$P(1)/
match broken m|^(?<=x)abc| p/Perl only/
match irc m|^:([\w.-]+) NOTICE AUTH :\*\*\* Looking up your hostname| p/IRC server/ h/$1/
Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|
match http m|^HTTP/1\.0 200| p/Not a NULL match/
`

func TestNmapMatch(t *testing.T) {
	db, err := parseNmapProbes(strings.NewReader(nmapSample))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		banner             string
		svc, product, vers string
	}{
		{"+OK Dovecot ready.\r\n", "pop3", "Dovecot pop3d", ""},
		{"220 files.chu.fr FTP server (Version 6.4) ready.\r\n", "ftp", "BSD ftpd", "6.4"},
		{"\xff\xfe\x01AB", "binary", "Binary thing", "AB"},
	}
	for _, c := range cases {
		svc, p, v, ok := db.Match([]byte(c.banner))
		if !ok || svc != c.svc || p != c.product || v != c.vers {
			t.Errorf("Match(%q) = %q %q %q %v", c.banner, svc, p, v, ok)
		}
	}
	if _, _, _, ok := db.Match([]byte("HTTP/1.0 200 OK\r\n")); ok {
		t.Error("une correspondance hors sonde NULL ne doit pas servir")
	}
	if _, err := parseNmapProbes(strings.NewReader("Probe TCP GetRequest q||\n")); err == nil {
		t.Error("un fichier sans sonde NULL doit être refusé")
	}
}

func TestIdentifyUsesNmapForUnknownBanner(t *testing.T) {
	db, err := parseNmapProbes(strings.NewReader(nmapSample))
	if err != nil {
		t.Fatal(err)
	}
	tg := serve(t, func(c net.Conn) {
		c.Write([]byte(":irc.chu.fr NOTICE AUTH :*** Looking up your hostname...\r\n"))
		time.Sleep(time.Second)
	})
	r := DefaultSet().WithNmap(db).Identify(context.Background(), tg)
	if r.Service != "irc" || r.Product != "IRC server" || len(r.Observations) != 0 || r.Unknown != "" {
		t.Fatalf("%+v", r)
	}
	r = DefaultSet().Identify(context.Background(), tg)
	if r.Service != "" || !strings.Contains(r.Banner, "NOTICE AUTH") || !strings.Contains(r.Unknown, "bannière non reconnue") {
		t.Fatalf("sans nmap : %+v", r)
	}
}

func TestRealNmapProbesFile(t *testing.T) {
	_, err := os.Stat(DefaultNmapProbes)
	testenv.Need(t, err == nil, "nmap-common ("+DefaultNmapProbes+")")
	db, err := LoadNmapProbes(DefaultNmapProbes)
	if err != nil {
		t.Fatal(err)
	}
	svc, p, _, ok := db.Match([]byte("* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready.\r\n"))
	if !ok || svc != "imap" || !strings.Contains(p, "Dovecot") {
		t.Fatalf("IMAP Dovecot : %q %q %v", svc, p, ok)
	}
	// Every TCP probe is read, with what makes it likely.
	get := db.byName["GetRequest"]
	if len(db.probes) < 50 || get == nil || string(get.payload) != "GET / HTTP/1.0\r\n\r\n" || get.rarity != 1 || !get.ports.has(80) || !get.sslports.has(443) {
		t.Fatalf("sondes TCP : %d, GetRequest %+v", len(db.probes), get)
	}
	if nm, ok := db.name("GetRequest", []byte("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n")); !ok || nm.Service != "http" || nm.Product != "nginx" || nm.Version != "1.22.1" {
		t.Fatalf("réponse HTTP : %+v %v", nm, ok)
	}
}

func FuzzNmapMatchLine(f *testing.F) {
	f.Add(`ftp m|^220 ([\w.-]+) FTP| p/x/ v/$1/ cpe:/a:x:y/`)
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := parseNmapMatch(s)
		if ok && m.service == "" && !strings.HasPrefix(s, " ") {
			t.Fatalf("service vide pour %q", s)
		}
	})
}

// nmap's client-first probes are sent to a port nothing else recognised; a
// softmatch keeps only the probes able to name the softmatched service.
func TestNmapProbesAndSoftmatch(t *testing.T) {
	const file = `Probe TCP NULL q||
match nothing m|^never$|
Probe TCP Hello q|HELLO\r\n|
rarity 2
softmatch fooproto m|^FOO |
Probe TCP Other q|OTHER\r\n|
rarity 4
match barproto m|^FOO | p/Wrong/
Probe TCP Version q|VERSION\r\n|
rarity 5
match fooproto m|^FOO v([\d.]+)\r\n| p/Foo server/ v/$1/
`
	db, err := parseNmapProbes(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string]int{}
	tg := serve(t, func(c net.Conn) {
		b := make([]byte, 64)
		n, _ := c.Read(b)
		line := strings.TrimSpace(string(b[:n]))
		mu.Lock()
		got[line]++
		mu.Unlock()
		switch line {
		case "HELLO":
			c.Write([]byte("FOO ?\r\n"))
		case "OTHER":
			c.Write([]byte("FOO ?\r\n"))
		case "VERSION":
			c.Write([]byte("FOO v2.1\r\n"))
		}
		time.Sleep(200 * time.Millisecond)
	})
	// One probe at a time: the narrowing applies from the softmatch on
	// (a long budget: every prober of ours is tried first, one by one).
	tg.Timeout = 10 * time.Second
	r := DefaultSet().WithNmap(db).WithParallel(1).WithTiming(Timing{Budget: 10 * time.Second}).Identify(context.Background(), tg)
	if r.Service != "fooproto" || r.Product != "Foo server" || r.Version != "2.1" || r.Unknown != "" {
		t.Fatalf("%+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if got["OTHER"] != 0 || got["HELLO"] == 0 || got["VERSION"] < 2 {
		t.Fatalf("sondes envoyées : %v (OTHER ne peut nommer fooproto ; VERSION est vérifiée une seconde fois)", got)
	}
}
