package jobs

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// TestPeriodicLeaderOnly runs two engines with the same periodic task: the
// elected leader enqueues it, one job at a time, so that the runs follow
// the interval instead of doubling, and never overlap.
func TestPeriodicLeaderOnly(t *testing.T) {
	t.Parallel()
	st, _ := openTestStore(t, databases[0].dsn(t), testKey())
	var runs, running, overlaps atomic.Int32
	task := Periodic{Name: "essai", Every: 500 * time.Millisecond, Run: func(ctx context.Context, now time.Time) error {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		runs.Add(1)
		time.Sleep(100 * time.Millisecond)
		return nil
	}}
	fake := &fakeExposure{}
	for i := range 2 {
		startEngine(t, Config{Store: st, Queues: map[string]int{QueueExposure: 1}, Engines: fake.engines(),
			ID: fmt.Sprintf("p%d", i), PollInterval: 50 * time.Millisecond, Periodic: []Periodic{task}})
	}
	// Electing a leader takes a moment (longer on a loaded machine): the
	// window is counted from the first run.
	for deadline := time.Now().Add(60 * time.Second); runs.Load() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no run in 60 s: no leader elected")
		}
	}
	first := runs.Load()
	time.Sleep(6 * time.Second)
	n := runs.Load() - first
	// About one run per interval: 12 at most in 6 s, never the double.
	t.Logf("%d runs", n)
	if n < 2 || n > 13 || overlaps.Load() != 0 {
		t.Fatalf("%d runs in 6 s (every 0.5 s, two engines), %d overlapping", n, overlaps.Load())
	}
}
