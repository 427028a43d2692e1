package checks

import (
	"crypto/rand"
	"math/big"
	"testing"
)

func TestROCAFingerprint(t *testing.T) {
	m := big.NewInt(1)
	for _, p := range append([]int64{2}, rocaPrimes...) {
		m.Mul(m, big.NewInt(p))
	}
	// N = k·M + 65537^a mod M, the structure of vulnerable keys.
	k, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 400))
	g := new(big.Int).Exp(big.NewInt(65537), big.NewInt(123456), m)
	n := new(big.Int).Add(new(big.Int).Mul(k, m), g)
	if !rocaVulnerable(n) {
		t.Fatal("ROCA-structured modulus not detected")
	}
	hits := 0
	for i := 0; i < 50; i++ {
		r, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 1024))
		if rocaVulnerable(r) {
			hits++
		}
	}
	if hits > 0 {
		t.Fatalf("%d random moduli flagged", hits)
	}
}
