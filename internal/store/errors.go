package store

import "errors"

// Errors callers may test with errors.Is; their text is shown to users.
var (
	ErrNotFound = errors.New("introuvable")
	ErrExists   = errors.New("existe déjà (les audits enregistrés sont immuables : une nouvelle exécution est un nouvel audit)")
)
