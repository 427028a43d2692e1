package probe

import (
	"testing"

	"vigie/internal/exposure"
)

func TestDistroBuildFromBanners(t *testing.T) {
	for banner, want := range map[string]string{
		"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10":  "Debian-2+deb12u10",
		"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10": "Ubuntu-3ubuntu0.10",
		"SSH-2.0-OpenSSH_7.4":                      "",
		"5.5.5-10.11.14-MariaDB-0+deb12u2":         "5.5.5-10.11.14-MariaDB-0+deb12u2",
		"SSH-2.0-OpenSSH_8.0 el8":                  "",
	} {
		if got := distroBuild(banner); got != want {
			t.Errorf("distroBuild(%q) = %q, want %q", banner, got, want)
		}
	}
	r, err := ParseSSHBanner("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range r.Observations {
		if o.Class == exposure.ClassServiceVersion && o.Build != "Debian-2+deb12u10" {
			t.Errorf("version observation build = %q", o.Build)
		}
	}
}
