package probe

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigie/internal/exposure"
)

func makeCert(t *testing.T, bits int, sig x509.SignatureAlgorithm, cn string, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber:       big.NewInt(7),
		Subject:            pkix.Name{CommonName: cn},
		DNSNames:           []string{cn},
		NotBefore:          notAfter.AddDate(-1, 0, 0),
		NotAfter:           notAfter,
		SignatureAlgorithm: sig,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestCertObservations(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	c := makeCert(t, 1024, x509.SHA1WithRSA, "portail.chu-test.fr", now.AddDate(0, -1, 0))
	leaf, _ := x509.ParseCertificate(c.Certificate[0])
	var r Result
	r.Observations = CertObservations(leaf, Target{Name: "vpn.chu-test.fr", Now: now})
	for _, want := range []string{exposure.ClassTLSCertExpired, exposure.ClassTLSSelfSigned, exposure.ClassTLSNameMismatch, exposure.ClassTLSWeakKey, exposure.ClassTLSWeakSignature} {
		if !hasClass(&r, want) {
			t.Errorf("%s attendu, obtenu %s", want, classes(&r))
		}
	}
	good := makeCert(t, 2048, x509.SHA256WithRSA, "portail.chu-test.fr", now.AddDate(1, 0, 0))
	leaf, _ = x509.ParseCertificate(good.Certificate[0])
	r = Result{Observations: CertObservations(leaf, Target{Name: "portail.chu-test.fr", Now: now})}
	if classes(&r) != exposure.ClassTLSSelfSigned+"/confirmed" {
		t.Errorf("certificat sain (autosigné seulement) : %s", classes(&r))
	}
}

func TestTLSVersionsAndHTTPS(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "Apache/2.4.62 (Debian)")
		w.Write([]byte("<html><title>Portail &amp; VPN</title></html>"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, Certificates: []tls.Certificate{makeCert(t, 2048, x509.SHA256WithRSA, "www.chu-test.fr", now.AddDate(1, 0, 0))}}
	srv.StartTLS()
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tg := Target{Addr: netip.MustParseAddr("127.0.0.1"), Port: port, Now: now, Name: "www.chu-test.fr", Timeout: 2 * time.Second}
	r := DefaultSet().Identify(context.Background(), tg)
	if r.Service != "https" || !r.TLS || r.Product != "Apache" || r.Version != "2.4.62" {
		t.Fatalf("identification : %+v", r)
	}
	if !hasClass(r, exposure.ClassTLSProtocolOld) || !strings.Contains(r.Banner, "TLS 1.0") || !strings.Contains(r.Banner, "Portail & VPN") {
		t.Fatalf("TLS 1.0 non détecté : %s / %s", r.Banner, classes(r))
	}
	if hasClass(r, exposure.ClassTLSNameMismatch) || hasClass(r, exposure.ClassHTTPCleartext) {
		t.Fatalf("faux constat : %s", classes(r))
	}
	if len(r.Names) != 1 || r.Names[0] != "www.chu-test.fr" {
		t.Fatalf("noms du certificat : %v", r.Names)
	}
	for _, o := range r.Observations {
		if o.Host != "127.0.0.1" || o.Port != port || o.Service != "https" {
			t.Fatalf("observation mal renseignée : %+v", o)
		}
	}
	// A modern-only server: no old protocol, no SSLv3.
	srv2 := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv2.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv2.TLS = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: srv.TLS.Certificates}
	srv2.StartTLS()
	defer srv2.Close()
	tg.Port = srv2.Listener.Addr().(*net.TCPAddr).Port
	r2, err := TLS{}.Probe(context.Background(), tg)
	if err != nil || hasClass(r2, exposure.ClassTLSProtocolOld) {
		t.Fatalf("serveur TLS 1.2+ : %+v %v", r2, err)
	}
}

func TestSSLv3Parse(t *testing.T) {
	hello := sslv3Hello()
	if hello[0] != 0x16 || hello[1] != 3 || hello[2] != 0 || hello[5] != 1 {
		t.Fatalf("ClientHello SSLv3 mal formé : % x", hello[:12])
	}
	sh := []byte{0x16, 3, 0, 0, 6, 2, 0, 0, 2, 3, 0}
	if v, err := ParseServerHelloVersion(sh); err != nil || v != 0x0300 {
		t.Fatalf("ServerHello SSLv3 : %x %v", v, err)
	}
	if v, err := ParseServerHelloVersion([]byte{0x15, 3, 0, 0, 2, 2, 40}); err != nil || v != 0 {
		t.Fatalf("alerte : %x %v", v, err)
	}
}

// A TLS server on a plain-HTTP port answers "400" to plain HTTP: Identify
// must then look at TLS instead of reporting cleartext HTTP.
func TestHTTPSOnPlainPort(t *testing.T) {
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	l, err := net.Listen("tcp", "127.0.44.20:8080")
	if err != nil {
		t.Skipf("port 8080 indisponible : %v", err)
	}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Listener.Close()
	srv.Listener = l
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{makeCert(t, 2048, x509.SHA256WithRSA, "www.chu-test.fr", now.AddDate(1, 0, 0))}}
	srv.StartTLS()
	defer srv.Close()
	r := DefaultSet().Identify(context.Background(), Target{Addr: netip.MustParseAddr("127.0.44.20"), Port: 8080, Now: now, Timeout: 2 * time.Second})
	if r.Service != "https" || hasClass(r, exposure.ClassHTTPCleartext) {
		t.Fatalf("%+v %s", r, classes(r))
	}
}
