package web

import "net/http"

// Encryption modes of a stored directory connection (store.ADConnection.TLS):
// the values the AD collector accepts.
const (
	TLSLDAPS    = "ldaps"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// errNoEngines answers an audit launch on a server built without a job
// engine (Config.Jobs).
var errNoEngines = &httpError{Status: http.StatusServiceUnavailable,
	Msg: "Les audits lancés depuis l'interface ne sont pas disponibles sur ce serveur."}
