package web

import "context"

// knownVersionKey carries, in a read request's context, the data version
// read together with the session (store.WebSession.DataVersion).
type knownVersionKey struct{}

// withKnownVersion records the data version already read for a request.
// Only reads use it: a request that writes must see its own write, so it
// reads the version again after writing.
func withKnownVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, knownVersionKey{}, v)
}

// knownVersion returns the version recorded by withKnownVersion.
func knownVersion(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(knownVersionKey{}).(int64)
	return v, ok
}
