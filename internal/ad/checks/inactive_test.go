package checks

import (
	"testing"
	"time"

	"vigie/internal/ad/adtest"
)

// A DC without lastLogonTimestamp (Samba never sets it on a fresh DC) is
// inactive only when it was created long ago.
func TestInactiveDCWithoutLogonDate(t *testing.T) {
	const day = 24 * time.Hour
	for _, c := range []struct {
		created time.Duration
		want    Status
	}{{10 * day, Passed}, {60 * day, Failed}} {
		f := adtest.NewForest("lab.test", testNow)
		dc := f.BySam("DC1$")
		dc.Del("lastlogontimestamp")
		dc.SetAge("whencreated", c.created)
		f.User("agent") // keeps lastLogonTimestamp present elsewhere in the snapshot
		if got := evaluate(t, f)["vuln_password_change_inactive_dc"]; got.Status != c.want {
			t.Errorf("created %v ago: %s %+v", c.created, got.Status, got.Failures)
		}
	}
}
