package web

import "context"

// syncVersions brings the server's version tracker (store.VersionTracker)
// up to the store's current version and returns it; a read request
// reuses the version read with its session (version_known.go).
func (s *Server) syncVersions(ctx context.Context) (int64, error) {
	cur, ok := knownVersion(ctx)
	return s.versions.Sync(ctx, s.st, cur, ok)
}

// dossierVersion returns the version of a dossier's last known change
// (after syncVersions).
func (s *Server) dossierVersion(id string) int64 { return s.versions.Dossier(id) }

// changedSince returns the tracker's version, whether every dossier may
// have changed after since, and otherwise the dossiers that did.
func (s *Server) changedSince(since int64) (version int64, all bool, ids []string) {
	return s.versions.ChangedSince(since)
}
