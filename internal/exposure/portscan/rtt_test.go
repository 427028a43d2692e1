package portscan

import (
	"net/netip"
	"testing"
	"time"
)

func TestAdaptiveTimeout(t *testing.T) {
	r := newRTT(300*time.Millisecond, 2*time.Second)
	a := netip.MustParseAddr("192.0.2.1")
	b := netip.MustParseAddr("192.0.2.2")
	if got := r.timeout(a, 0); got != 2*time.Second {
		t.Fatalf("sans mesure : %v, attendu le maximum", got)
	}
	for i := 0; i < 5; i++ {
		r.observe(a, time.Millisecond)
	}
	if got := r.timeout(a, 0); got != 300*time.Millisecond {
		t.Fatalf("hôte rapide : %v, attendu le plancher", got)
	}
	if got := r.timeout(a, 1); got != 600*time.Millisecond {
		t.Fatalf("nouvelle tentative : %v, attendu le double", got)
	}
	if got := r.timeout(a, 5); got != 2*time.Second {
		t.Fatalf("plafond : %v", got)
	}
	// An unmeasured host borrows the overall estimate.
	if got := r.timeout(b, 0); got != 300*time.Millisecond {
		t.Fatalf("hôte sans mesure : %v", got)
	}
	for i := 0; i < 20; i++ {
		r.observe(b, 400*time.Millisecond)
	}
	if got := r.timeout(b, 0); got < 400*time.Millisecond || got > 2*time.Second {
		t.Fatalf("hôte lent : %v", got)
	}
	if got := r.timeout(a, 0); got != 300*time.Millisecond {
		t.Fatalf("l'hôte rapide garde sa propre estimation : %v", got)
	}
}
