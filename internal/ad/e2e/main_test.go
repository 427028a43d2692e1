package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/adlab"
	"vigie/internal/testenv"
)

// bigGroupMembers is above AD's 1,500-value slice so ranged retrieval matters.
const bigGroupMembers = 1600

var (
	lab    *adlab.Lab
	labErr error
)

// TestMain provisions and starts the lab DC once for the whole binary.
func TestMain(m *testing.M) {
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	if testing.Short() {
		labErr = fmt.Errorf("mode -short")
	} else {
		lab, labErr = adlab.Start(ctx, "", testenv.Required())
		if labErr == nil {
			_, labErr = lab.Run(ctx, "bulk", fmt.Sprint(bigGroupMembers))
		}
	}
	code := m.Run()
	if lab != nil {
		if err := lab.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	cancel()
	os.Exit(code)
}

// needLab skips (or fails under CI) when the DC could not be started.
func needLab(t *testing.T) *adlab.Lab {
	t.Helper()
	what := "contrôleur de domaine Samba AD de test"
	if labErr != nil {
		what += " (" + labErr.Error() + ")"
	}
	testenv.Need(t, labErr == nil, what)
	return lab
}

func caPool(t *testing.T, l *adlab.Lab) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(l.Get("LAB_AD_CA_CERT"))
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pem) {
		t.Fatal("lab CA: no certificate")
	}
	return p
}

// adminConn is the TEST's own read-write connection, used to seed the DC.
// The collector never gets one of these.
func adminConn(t *testing.T, l *adlab.Lab) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL("ldaps://127.0.0.1:636", ldap.DialWithTLSConfig(&tls.Config{RootCAs: caPool(t, l), ServerName: "127.0.0.1"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(l.Get("LAB_AD_ADMIN_UPN"), l.Get("LAB_AD_ADMIN_PASSWORD")); err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
