package jobs

import (
	"context"
	"log/slog"
)

// riverLogger is the logger handed to River: only its warnings and errors
// reach the operator. River's routine messages (migrations applied, client
// started, job counts every few seconds) are in English and say nothing an
// operator acts on; Vigie logs what matters itself, in French.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{h: log.Handler(), min: slog.LevelWarn})
}

// minLevel drops the records below min.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

// Enabled reports whether the level is kept.
func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

// Handle passes a kept record on.
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

// WithAttrs keeps the filter on the derived handler.
func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}

// WithGroup keeps the filter on the derived handler.
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
