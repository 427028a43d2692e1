package web

import (
	"net/http"

	"vigie/internal/store"
)

// recordLoginFailure writes a failed login to the audit trail (the login
// typed, the client address, the reason); a trail that cannot be written
// is logged, never shown to the visitor.
func (s *Server) recordLoginFailure(r *http.Request, login, ip, reason string) {
	if err := s.st.TrailLoginFailure(r.Context(), login, ip, reason); err != nil {
		s.log.ErrorContext(r.Context(), "journal des connexions échouées", "erreur", err)
	}
}

// loginFailureReason says, for the trail only, why a login failed (the
// visitor always reads the same message).
func loginFailureReason(lookup error, u store.WebUser) string {
	switch {
	case lookup != nil:
		return "identifiant inconnu"
	case u.Disabled():
		return "compte désactivé"
	}
	return "mot de passe incorrect"
}
