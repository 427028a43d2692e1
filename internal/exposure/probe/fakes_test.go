package probe

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
	"vigie/internal/exposure/probe/probetest"
)

// serve runs handler for every connection on a fresh 127.0.0.1 port.
func serve(t testing.TB, handler func(c net.Conn)) Target {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				handler(c)
			}()
		}
	}()
	return Target{Addr: netip.MustParseAddr("127.0.0.1"), Port: l.Addr().(*net.TCPAddr).Port,
		Now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), Timeout: 2 * time.Second}
}

func classes(r *Result) string {
	var cs []string
	for _, o := range r.Observations {
		cs = append(cs, o.Class+"/"+string(o.Confidence))
	}
	return strings.Join(cs, " ")
}

func hasClass(r *Result, class string) bool {
	for _, o := range r.Observations {
		if o.Class == class {
			return true
		}
	}
	return false
}

func TestVNC(t *testing.T) {
	r, err := VNC{}.Probe(context.Background(), serve(t, probetest.VNC(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "3.8" || !hasClass(r, exposure.ClassVNCNoAuth) || !hasClass(r, exposure.ClassVNCExposed) {
		t.Fatalf("VNC sans mot de passe : %+v %s", r, classes(r))
	}
	r, err = VNC{}.Probe(context.Background(), serve(t, probetest.VNC(2)))
	if err != nil || hasClass(r, exposure.ClassVNCNoAuth) || !hasClass(r, exposure.ClassVNCExposed) {
		t.Fatalf("VNC avec mot de passe : %+v %v", r, err)
	}
}

func TestMSSQL(t *testing.T) {
	r, err := MSSQL{}.Probe(context.Background(), serve(t, probetest.MSSQL))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "15.0.2000" || !hasClass(r, exposure.ClassMSSQLExposed) || !strings.Contains(r.Observations[0].Evidence, "2019") {
		t.Fatalf("%+v %s", r, classes(r))
	}
}

func TestMongoDB(t *testing.T) {
	r, err := MongoDB{}.Probe(context.Background(), serve(t, probetest.MongoDB(false)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "7.0.14" || !hasClass(r, exposure.ClassMongoNoAuth) || !strings.Contains(classes(r), "mongodb-exposed") {
		t.Fatalf("%+v %s", r, classes(r))
	}
	if !strings.Contains(r.Observations[1].Evidence, "2 bases listées") {
		t.Fatalf("preuve : %s", r.Observations[1].Evidence)
	}
	r, err = MongoDB{}.Probe(context.Background(), serve(t, probetest.MongoDB(true)))
	if err != nil || hasClass(r, exposure.ClassMongoNoAuth) {
		t.Fatalf("MongoDB avec authentification : %+v %v", r, err)
	}
}

func TestHL7(t *testing.T) {
	r, err := HL7{}.Probe(context.Background(), serve(t, probetest.HL7))
	if err != nil {
		t.Fatal(err)
	}
	if r.Product != "MIRTH" || !hasClass(r, exposure.ClassHL7MLLP) || !strings.Contains(r.Observations[0].Evidence, "MSA AA") {
		t.Fatalf("%+v %s", r, classes(r))
	}
	// An HTTP server on 2575 is not HL7.
	if _, err := (HL7{}).Probe(context.Background(), serve(t, func(c net.Conn) { c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) })); err == nil {
		t.Fatal("une réponse HTTP ne doit pas passer pour du HL7")
	}
}

func TestRDP(t *testing.T) {
	r, err := RDP{}.Probe(context.Background(), serve(t, probetest.RDP(2)))
	if err != nil {
		t.Fatal(err)
	}
	if !hasClass(r, exposure.ClassRDPExposed) || hasClass(r, exposure.ClassRDPNoNLA) {
		t.Fatalf("RDP avec NLA : %s", classes(r))
	}
	r, err = RDP{}.Probe(context.Background(), serve(t, probetest.RDP(0)))
	if err != nil || !hasClass(r, exposure.ClassRDPNoNLA) {
		t.Fatalf("RDP sans NLA : %+v %v", r, err)
	}
}

func TestElasticsearch(t *testing.T) {
	r, err := Elasticsearch{}.Probe(context.Background(), serve(t, probetest.Elasticsearch))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "7.10.2" || !hasClass(r, exposure.ClassElasticNoAuth) || !strings.Contains(r.Observations[0].Evidence, "2 index") {
		t.Fatalf("%+v %s", r, classes(r))
	}
}

func TestSSHBanners(t *testing.T) {
	r, err := ParseSSHBanner("SSH-2.0-OpenSSH_6.6.1p1 Ubuntu-2ubuntu2")
	if err != nil || r.Version != "6.6.1p1" || !hasClass(r, exposure.ClassSSHOutdated) {
		t.Fatalf("OpenSSH 6.6 : %+v %v", r, err)
	}
	r, err = ParseSSHBanner("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
	if err != nil || hasClass(r, exposure.ClassSSHOutdated) || !hasClass(r, exposure.ClassSSHExposed) {
		t.Fatalf("OpenSSH 9.2 : %+v", r)
	}
	r, _ = ParseSSHBanner("SSH-1.5-Cisco-1.25")
	if !hasClass(r, exposure.ClassSSHOutdated) {
		t.Fatal("SSH 1.5 doit être signalé")
	}
	if _, err := ParseSSHBanner("HTTP/1.1 200 OK"); err == nil {
		t.Fatal("pas une bannière SSH")
	}
}

// A server that floods, sends binary or drips bytes must cost bounded time
// and memory, and produce no observation.
func TestHostileServers(t *testing.T) {
	flood := func(c net.Conn) {
		junk := bytes.Repeat([]byte("A"), 1<<20)
		for i := 0; i < 64; i++ {
			if _, err := c.Write(junk); err != nil {
				return
			}
		}
	}
	binary := func(c net.Conn) {
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(i * 7)
		}
		c.Write(b)
		time.Sleep(3 * time.Second)
	}
	drip := func(c net.Conn) {
		for i := 0; i < 100; i++ {
			if _, err := c.Write([]byte("S")); err != nil {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	set := DefaultSet()
	for name, h := range map[string]func(net.Conn){"flood": flood, "binaire": binary, "goutte-à-goutte": drip} {
		tg := serve(t, h)
		tg.Timeout = 1 * time.Second
		done := make(chan *Result, 1)
		go func() { done <- set.Identify(context.Background(), tg) }()
		select {
		case r := <-done:
			if len(r.Observations) != 1 || r.Observations[0].Class != exposure.ClassServiceUnknown || r.Unknown == "" {
				t.Errorf("%s : attendu le seul constat « service non identifié », obtenu %s (%q)", name, classes(r), r.Unknown)
			}
			if len(r.Banner) > 2000 {
				t.Errorf("%s : bannière non bornée (%d octets)", name, len(r.Banner))
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s : identification non bornée dans le temps", name)
		}
	}
}

// Every prober refuses a server that only says "hello" — a port alone or a
// random answer never yields an observation.
func TestNoFalsePositiveOnGarbage(t *testing.T) {
	tg := serve(t, func(c net.Conn) {
		c.Write([]byte("hello\r\n"))
		time.Sleep(500 * time.Millisecond)
	})
	tg.Timeout = time.Second
	for _, p := range DefaultSet().Probers() {
		r, err := p.Probe(context.Background(), tg)
		if err == nil && len(r.Observations) > 0 {
			t.Errorf("%s : observation sur un service quelconque : %s", p.Name(), classes(r))
		}
	}
}
