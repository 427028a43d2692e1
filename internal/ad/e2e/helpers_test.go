package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"vigie/internal/ad/adlab"
)

// plainPassword is the password of the accounts the tests create.
const plainPassword = "Vte!Passw0rd#2026"

// ctx returns a context bounded to a few minutes for lab commands.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

// addPlainUser creates an enabled user with plainPassword (removing a
// leftover first) and returns its DN.
func addPlainUser(t *testing.T, c *ldap.Conn, l *adlab.Lab, sam string) string {
	t.Helper()
	dn := fmt.Sprintf("CN=%s,%s", sam, usersDN(l))
	c.Del(ldap.NewDelRequest(dn, nil))
	r := ldap.NewAddRequest(dn, nil)
	r.Attribute("objectClass", []string{"user"})
	r.Attribute("sAMAccountName", []string{sam})
	r.Attribute("unicodePwd", []string{quotedUTF16(plainPassword)})
	r.Attribute("userAccountControl", []string{"512"})
	if err := c.Add(r); err != nil {
		t.Fatalf("add %s: %v", sam, err)
	}
	return dn
}
