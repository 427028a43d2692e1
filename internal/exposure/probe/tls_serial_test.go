package probe

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"vigie/internal/testenv"
)

// TestNegativeSerialCertificate: Samba DCs generate certificates with a
// negative serial number, which Go refuses to parse unless the module
// sets godebug x509negativeserial=1 (go.mod). Such a service must still
// be identified and its certificate read.
func TestNegativeSerialCertificate(t *testing.T) {
	openssl := testenv.NeedCommand(t, "openssl")
	dir := t.TempDir()
	crt, key := filepath.Join(dir, "dc.crt"), filepath.Join(dir, "dc.key")
	out, err := exec.Command(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
		"-subj", "/CN=dc1.samba.test", "-set_serial", "-4242", "-keyout", key, "-out", crt).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl : %v\n%s", err, out)
	}
	cert, err := tls.LoadX509KeyPair(crt, key)
	if err != nil {
		t.Fatalf("certificate with a negative serial refused: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	tg := Target{Addr: netip.MustParseAddr("127.0.0.1"), Port: srv.Listener.Addr().(*net.TCPAddr).Port,
		Now: time.Now(), Timeout: 2 * time.Second}
	r, err := TLS{}.Probe(context.Background(), tg)
	if err != nil || r == nil || !r.TLS {
		t.Fatalf("TLS service with a negative-serial certificate not identified: %+v %v", r, err)
	}
	if len(r.Names) == 0 || r.Names[0] != "dc1.samba.test" {
		t.Fatalf("certificate names: %v", r.Names)
	}
}
