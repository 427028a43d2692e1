package ldapcollect

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/go-ldap/ldap/v3/gssapi"
)

// Bind authenticates the connection. root.DNSHostName builds the Kerberos
// service principal when the user gave an address; root.SASLMechanisms
// chooses the NTLM flavour.
func (r *readOnlyConn) Bind(ctx context.Context, cfg Config, root RootInfo) error {
	dnsHostName := root.DNSHostName
	saslMechs := root.SASLMechanisms
	if err := ctx.Err(); err != nil {
		return err
	}
	switch cfg.Auth {
	case AuthNTLM:
		return r.ntlmBind(ctx, cfg, saslMechs)
	case AuthKerberos:
		return r.kerberosBind(cfg, dnsHostName)
	default:
		if err := r.conn().Bind(cfg.User, cfg.Password); err != nil {
			return bindError("simple", cfg.User, err)
		}
		return nil
	}
}

func (r *readOnlyConn) kerberosBind(cfg Config, dnsHostName string) error {
	user, _, realm := splitUser(cfg.User)
	if cfg.Realm != "" {
		realm = cfg.Realm
	}
	if realm == "" && dnsHostName != "" {
		if i := strings.IndexByte(dnsHostName, '.'); i >= 0 {
			realm = dnsHostName[i+1:]
		}
	}
	realm = strings.ToUpper(realm)
	conf := cfg.KRB5Conf
	if conf == "" {
		conf = "/etc/krb5.conf"
	}
	var (
		cl  *gssapi.Client
		err error
	)
	switch {
	case cfg.CCache != "":
		cl, err = gssapi.NewClientFromCCache(cfg.CCache, conf)
	case cfg.Keytab != "":
		if realm == "" {
			return newErr(KindConfig, nil, "Kerberos : royaume inconnu, précisez --realm ou --user compte@ROYAUME")
		}
		cl, err = gssapi.NewClientWithKeytab(user, realm, cfg.Keytab, conf)
	default:
		if realm == "" {
			return newErr(KindConfig, nil, "Kerberos : royaume inconnu, précisez --realm ou --user compte@ROYAUME")
		}
		cl, err = gssapi.NewClientWithPassword(user, realm, cfg.Password, conf)
	}
	if err != nil {
		return newErr(KindAuth, err, "Kerberos : impossible d'obtenir un ticket pour %q (vérifiez le compte, le secret et %s)", cfg.User, conf)
	}
	defer cl.Close()
	spn := cfg.SPN
	if spn == "" {
		host := cfg.Host
		if net.ParseIP(host) != nil && dnsHostName != "" {
			host = dnsHostName
		}
		spn = "ldap/" + host
	}
	if err := r.conn().GSSAPIBind(cl, spn, ""); err != nil {
		if strings.Contains(err.Error(), "Sign or Seal") {
			return newErr(KindAuth, err, "Kerberos : le contrôleur exige la signature LDAP (sign/seal), non prise en charge ; utilisez --auth simple ou ntlm sur LDAPS")
		}
		return bindError("Kerberos", cfg.User, err)
	}
	return nil
}

// ntlmBind uses the SASL "NTLM" mechanism when the DC offers it (Samba), and
// Microsoft's NTLM bind otherwise (Windows AD).
func (r *readOnlyConn) ntlmBind(ctx context.Context, cfg Config, mechs []string) error {
	user, domain, _ := splitUser(cfg.User)
	if domain == "" {
		user = cfg.User // go-ntlmssp accepts a UPN as the user name
	}
	sasl := false
	for _, m := range mechs {
		sasl = sasl || strings.EqualFold(m, "NTLM")
	}
	if !sasl {
		if err := r.conn().NTLMBind(domain, user, cfg.Password); err != nil {
			return bindError("NTLM", cfg.User, err)
		}
		return nil
	}
	raw, err := rawConn(ctx, cfg)
	if err != nil {
		return err
	}
	if err := saslNTLM(raw, domain, user, cfg.Password); err != nil {
		raw.Close()
		var se *saslError
		if errors.As(err, &se) {
			return bindError("NTLM", cfg.User, ldap.NewError(uint16(se.code), errors.New(se.diag)))
		}
		return bindError("NTLM", cfg.User, err)
	}
	nc := ldap.NewConn(raw, cfg.TLS != TLSNone)
	nc.Start()
	nc.SetTimeout(cfg.RequestTimeout)
	r.replace(nc)
	return nil
}
