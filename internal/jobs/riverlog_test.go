package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRiverLoggerKeepsWarningsOnly(t *testing.T) {
	var buf bytes.Buffer
	log := riverLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Info("producer: Producer job counts")
	log.With("queue", "vigie").WithGroup("g").Debug("debug")
	log.Warn("job failed", "attempt", 2)
	log.With("queue", "exposure").Error("client stopped")
	out := buf.String()
	if strings.Contains(out, "job counts") || strings.Contains(out, "debug") {
		t.Errorf("routine River messages kept:\n%s", out)
	}
	if !strings.Contains(out, "job failed") || !strings.Contains(out, "queue=exposure") || !strings.Contains(out, "client stopped") {
		t.Errorf("warnings or errors lost:\n%s", out)
	}
}
