package ldapcollect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// TLS modes.
const (
	TLSLDAPS    = "ldaps"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// Authentication methods.
const (
	AuthSimple   = "simple"
	AuthNTLM     = "ntlm"
	AuthKerberos = "kerberos"
)

// Config says how to reach and authenticate to a domain controller.
type Config struct {
	Host           string // DC name or address
	Port           int    // 0: 636 for ldaps, 389 otherwise
	TLS            string // TLSLDAPS (default), TLSStartTLS or TLSNone
	AllowCleartext bool   // required with TLSNone
	CAFile         string // PEM bundle trusted for the DC's certificate
	InsecureTLS    bool   // skip certificate verification
	ServerName     string // expected certificate name; default Host

	Auth     string // AuthSimple (default), AuthNTLM or AuthKerberos
	User     string // UPN, DOMAIN\user, DN, or user (with Realm for Kerberos)
	Password string
	Realm    string // Kerberos realm; default from User's @REALM or the DC's root DSE
	Keytab   string // Kerberos keytab file
	CCache   string // Kerberos credential cache
	KRB5Conf string // krb5.conf path; default /etc/krb5.conf
	SPN      string // LDAP service principal; default ldap/<DC DNS host name>

	DialTimeout    time.Duration // default 10 s
	RequestTimeout time.Duration // default 5 min per LDAP request
}

// Conn is everything the collector may do on a directory: bind and search.
// It is read-only by construction: the wrapped *ldap.Conn is not reachable,
// so no add, modify or delete can be sent through it.
type Conn interface {
	// Bind authenticates with the configured method; root is what the
	// server said of itself before authentication.
	Bind(ctx context.Context, cfg Config, root RootInfo) error
	// Search runs one LDAP search request.
	Search(req *ldap.SearchRequest) (*ldap.SearchResult, error)
	// Close ends the connection.
	Close() error
}

// RootInfo is what the root DSE tells before binding: the DC's DNS name
// (for the Kerberos service principal) and its SASL mechanisms.
type RootInfo struct {
	DNSHostName    string
	SASLMechanisms []string
}

func rootInfo(o interface {
	Get(string) string
	All(string) []string
}) RootInfo {
	return RootInfo{DNSHostName: o.Get("dnsHostName"), SASLMechanisms: o.All("supportedSASLMechanisms")}
}

// readOnlyConn wraps *ldap.Conn and exposes Bind and Search only.
type readOnlyConn struct {
	mu   sync.Mutex
	c    *ldap.Conn
	stop chan struct{}
	once sync.Once
}

func (r *readOnlyConn) conn() *ldap.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c
}

// replace swaps in a new connection (after a SASL bind done by hand).
func (r *readOnlyConn) replace(c *ldap.Conn) {
	r.mu.Lock()
	old := r.c
	r.c = c
	r.mu.Unlock()
	old.Close()
}

func (r *readOnlyConn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	return r.conn().Search(req)
}

func (r *readOnlyConn) Close() error {
	r.once.Do(func() { close(r.stop) })
	return r.conn().Close()
}

// normalize fills defaults and checks option consistency.
func (c Config) normalize() (Config, error) {
	if c.Host == "" {
		return c, newErr(KindConfig, nil, "contrôleur de domaine non précisé (--dc)")
	}
	if c.TLS == "" {
		c.TLS = TLSLDAPS
	}
	switch c.TLS {
	case TLSLDAPS, TLSStartTLS:
	case TLSNone:
		if !c.AllowCleartext {
			return c, newErr(KindConfig, nil, "LDAP sans chiffrement refusé : les données de l'annuaire et peut-être le mot de passe circuleraient en clair ; ajoutez --allow-cleartext si c'est voulu, ou utilisez --tls ldaps ou starttls")
		}
	default:
		return c, newErr(KindConfig, nil, "mode TLS %q inconnu (ldaps, starttls ou none)", c.TLS)
	}
	if c.Port == 0 {
		c.Port = 389
		if c.TLS == TLSLDAPS {
			c.Port = 636
		}
	}
	if c.Port < 1 || c.Port > 65535 {
		return c, newErr(KindConfig, nil, "port %d invalide", c.Port)
	}
	if c.Auth == "" {
		c.Auth = AuthSimple
	}
	switch c.Auth {
	case AuthSimple, AuthNTLM:
		if c.User == "" {
			return c, newErr(KindConfig, nil, "compte de connexion non précisé (--user)")
		}
		if c.Password == "" {
			return c, newErr(KindConfig, nil, "mot de passe vide : l'annuaire accepterait une connexion anonyme déguisée ; fournissez-le par --password-file ou VIGIE_AD_PASSWORD")
		}
	case AuthKerberos:
		if c.Keytab == "" && c.CCache == "" && (c.User == "" || c.Password == "") {
			return c, newErr(KindConfig, nil, "Kerberos : fournissez un mot de passe avec --user, ou --keytab avec --user, ou --ccache")
		}
	default:
		return c, newErr(KindConfig, nil, "méthode d'authentification %q inconnue (simple, ntlm ou kerberos)", c.Auth)
	}
	if c.CAFile != "" && c.InsecureTLS {
		return c, newErr(KindConfig, nil, "--ca-file et --insecure-tls sont incompatibles")
	}
	if c.ServerName == "" {
		c.ServerName = c.Host
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 5 * time.Minute
	}
	return c, nil
}

func (c Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{ServerName: c.ServerName, MinVersion: tls.VersionTLS12}
	if c.InsecureTLS {
		tc.InsecureSkipVerify = true
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, newErr(KindConfig, err, "lecture du fichier d'autorité %s impossible", c.CAFile)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, newErr(KindConfig, nil, "%s ne contient aucun certificat PEM", c.CAFile)
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// Dial connects to the DC (without binding) and returns a read-only
// connection. The connection is closed when ctx ends.
func Dial(ctx context.Context, cfg Config) (Conn, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := &net.Dialer{Timeout: cfg.DialTimeout}
	var lc *ldap.Conn
	switch cfg.TLS {
	case TLSLDAPS:
		tc, err := cfg.tlsConfig()
		if err != nil {
			return nil, err
		}
		lc, err = ldap.DialURL("ldaps://"+addr, ldap.DialWithDialer(d), ldap.DialWithTLSConfig(tc))
		if err != nil {
			return nil, dialError(addr, err)
		}
	default:
		lc, err = ldap.DialURL("ldap://"+addr, ldap.DialWithDialer(d))
		if err != nil {
			return nil, dialError(addr, err)
		}
		if cfg.TLS == TLSStartTLS {
			tc, err := cfg.tlsConfig()
			if err != nil {
				lc.Close()
				return nil, err
			}
			if err := lc.StartTLS(tc); err != nil {
				lc.Close()
				if isTLSError(err) {
					return nil, tlsErr(addr, err)
				}
				return nil, newErr(KindTLS, err, "StartTLS refusé par %s ; essayez --tls ldaps", addr)
			}
		}
	}
	lc.SetTimeout(cfg.RequestTimeout)
	rc := &readOnlyConn{c: lc, stop: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
			rc.conn().Close()
		case <-rc.stop:
		}
	}()
	return rc, nil
}

func dialError(addr string, err error) error {
	if isTLSError(err) {
		return tlsErr(addr, err)
	}
	return newErr(KindUnreachable, err, "contrôleur de domaine %s injoignable : vérifiez le nom, le port et le pare-feu", addr)
}

func tlsErr(addr string, err error) error {
	return newErr(KindTLS, err, "échec TLS avec %s : le certificat du contrôleur n'est pas reconnu ; fournissez l'autorité de certification de l'entreprise avec --ca-file (ou, en connaissance de cause, --insecure-tls)", addr)
}

func isTLSError(err error) bool {
	var (
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		ci  x509.CertificateInvalidError
		rh  tls.RecordHeaderError
		ver *tls.CertificateVerificationError
	)
	if errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &rh) || errors.As(err, &ver) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "tls:") || strings.Contains(s, "x509:")
}

// bindError turns an LDAP bind failure into a French error.
func bindError(method, user string, err error) error {
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials):
		return newErr(KindAuth, err, "identifiants refusés pour %q (authentification %s) : vérifiez le compte et le mot de passe", user, method)
	case ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired), ldap.IsErrorWithCode(err, ldap.LDAPResultConfidentialityRequired):
		return newErr(KindAuth, err, "le contrôleur exige une connexion chiffrée ou signée pour l'authentification %s : utilisez --tls ldaps ou --tls starttls", method)
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInappropriateAuthentication), ldap.IsErrorWithCode(err, ldap.LDAPResultAuthMethodNotSupported):
		return newErr(KindAuth, err, "authentification %s refusée par le contrôleur pour %q", method, user)
	case ldap.IsErrorWithCode(err, ldap.ErrorNetwork):
		return newErr(KindUnreachable, err, "connexion perdue pendant l'authentification %s", method)
	}
	return newErr(KindAuth, err, "échec de l'authentification %s pour %q", method, user)
}

// splitUser separates DOMAIN\user and user@realm forms.
func splitUser(u string) (user, domain, realm string) {
	if i := strings.IndexByte(u, '\\'); i >= 0 {
		return u[i+1:], u[:i], ""
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 && !strings.Contains(u, "=") {
		return u[:i], "", u[i+1:]
	}
	return u, "", ""
}

func (r *readOnlyConn) String() string { return fmt.Sprintf("ldap conn %p", r.c) }
