package store

// Location returns the engine and where the data lives: the SQLite file's
// path, or the PostgreSQL DSN (with its password, when it holds one: do not
// print it). The job engine opens its own connections to the same database.
func (s *Store) Location() (Engine, string) { return s.engine, s.where }
