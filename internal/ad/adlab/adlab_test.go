package adlab

import (
	"os"
	"testing"
)

func TestParseEnv(t *testing.T) {
	m := parseEnv("[vigie-lab-ad] démarré\nLAB_AD_HOST=127.0.0.1\nLAB_AD_ADMIN_PASSWORD='Passw0rd!Lab123'\nOTHER=x\nLAB_AD_EMPTY=\n")
	if m["LAB_AD_HOST"] != "127.0.0.1" || m["LAB_AD_ADMIN_PASSWORD"] != "Passw0rd!Lab123" || len(m) != 3 {
		t.Errorf("parseEnv = %v", m)
	}
	if _, ok := m["OTHER"]; ok {
		t.Errorf("non-LAB_AD_ variable kept")
	}
}

func TestScriptFound(t *testing.T) {
	p, err := Script()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("%s: not an executable script (%v)", p, err)
	}
}
