package probe

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"vigie/internal/civil"
	"vigie/internal/exposure"
)

// TLS performs handshakes to read the certificate and the protocol versions
// accepted (SSLv3 with a raw ClientHello, TLS 1.0–1.3 with crypto/tls).
type TLS struct{}

// Name implements Prober.
func (TLS) Name() string { return "tls" }

// Ports implements Prober.
func (TLS) Ports() []int { return []int{443, 465, 636, 993, 995, 4443, 8443, 9443, 10443} }

func (TLS) handshake(ctx context.Context, t Target, minV, maxV uint16) (*tls.ConnectionState, error) {
	raw, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: minV, MaxVersion: maxV, ServerName: t.Name} //nolint:gosec // an audit must see bad certificates
	if minV < tls.VersionTLS12 {
		// Old protocols come with old suites; offer every one Go knows.
		for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			cfg.CipherSuites = append(cfg.CipherSuites, s.ID)
		}
	}
	c := tls.Client(raw, cfg)
	if err := c.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	st := c.ConnectionState()
	return &st, nil
}

// Probe implements Prober.
func (p TLS) Probe(ctx context.Context, t Target) (*Result, error) {
	st, err := p.handshake(ctx, t, tls.VersionTLS10, tls.VersionTLS13)
	if err != nil {
		return nil, fmt.Errorf("%w : poignée de main TLS : %v", ErrNoMatch, err)
	}
	if len(st.PeerCertificates) == 0 {
		return nil, ErrNoMatch
	}
	r := &Result{Service: "tls", TLS: true}
	var versions []string
	var old []string
	if ok, _ := SSLv3Accepted(ctx, t); ok {
		versions = append(versions, "SSLv3")
		old = append(old, "SSLv3")
	}
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13} {
		if v == st.Version || func() bool { _, err := p.handshake(ctx, t, v, v); return err == nil }() {
			versions = append(versions, tls.VersionName(v))
			if v < tls.VersionTLS12 {
				old = append(old, tls.VersionName(v))
			}
		}
	}
	r.Banner = "TLS : " + strings.Join(versions, ", ")
	if len(old) > 0 {
		r.observe(exposure.ClassTLSProtocolOld, exposure.Confirmed, "protocoles obsolètes acceptés : "+strings.Join(old, ", "))
	}
	leaf := st.PeerCertificates[0]
	for _, o := range CertObservations(leaf, t) {
		r.Observations = append(r.Observations, o)
	}
	r.Names = CertNames(leaf)
	r.Banner += fmt.Sprintf(" ; certificat CN=%s, expire le %s", printable([]byte(leaf.Subject.CommonName), 80), leaf.NotAfter.UTC().Format(civil.FrenchLayout))
	return r, nil
}

// CertNames returns the DNS names a certificate carries (SANs then CN), without wildcards.
func CertNames(c *x509.Certificate) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range append(append([]string(nil), c.DNSNames...), c.Subject.CommonName) {
		n = strings.TrimPrefix(strings.ToLower(n), "*.")
		if n != "" && strings.Contains(n, ".") && !seen[n] && len(n) <= 253 {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// isSelfSigned: issuer equals subject and the certificate's own key verifies
// its signature (an MD5/SHA-1 signature Go refuses to check still counts).
func isSelfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	var insecure x509.InsecureAlgorithmError
	return err == nil || errors.As(err, &insecure)
}

// CertObservations judges a leaf certificate against the audit's clock and
// the name the host was reached by.
func CertObservations(c *x509.Certificate, t Target) []exposure.Observation {
	var r Result
	now := t.Now
	switch {
	case !now.IsZero() && now.After(c.NotAfter):
		r.observe(exposure.ClassTLSCertExpired, exposure.Confirmed, "certificat expiré le "+c.NotAfter.UTC().Format(civil.FrenchLayout))
	case !now.IsZero() && now.Before(c.NotBefore):
		r.observe(exposure.ClassTLSCertExpired, exposure.Confirmed, "certificat valide seulement à partir du "+c.NotBefore.UTC().Format(civil.FrenchLayout))
	}
	if isSelfSigned(c) {
		r.observe(exposure.ClassTLSSelfSigned, exposure.Confirmed, "certificat auto-signé (CN="+printable([]byte(c.Subject.CommonName), 80)+")")
	}
	if t.Name != "" {
		if err := c.VerifyHostname(t.Name); err != nil {
			r.observe(exposure.ClassTLSNameMismatch, exposure.Confirmed, fmt.Sprintf("le certificat ne couvre pas %s (noms : %s)", t.Name, strings.Join(CertNames(c), ", ")))
		}
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			r.observe(exposure.ClassTLSWeakKey, exposure.Confirmed, fmt.Sprintf("clé RSA de %d bits", k.N.BitLen()))
		}
	case *ecdsa.PublicKey:
		if k.Params().BitSize < 256 {
			r.observe(exposure.ClassTLSWeakKey, exposure.Confirmed, fmt.Sprintf("clé ECDSA de %d bits", k.Params().BitSize))
		}
	}
	switch c.SignatureAlgorithm {
	case x509.MD5WithRSA, x509.MD2WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		r.observe(exposure.ClassTLSWeakSignature, exposure.Confirmed, "signature "+c.SignatureAlgorithm.String())
	}
	return r.Observations
}
