package probe

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"vigie/internal/french"
)

// usualPorts are the ports where a service is expected; elsewhere its
// findings say the port is unusual (their severity does not change).
func usualPorts(service string) []int {
	switch service {
	case "https":
		return HTTP{TLS: true}.Ports()
	case "http":
		return HTTP{}.Ports()
	case "ldaps":
		return []int{636, 3269}
	case "imaps":
		return []int{993}
	case "pop3s":
		return []int{995}
	case "smtps":
		return []int{465}
	case "ftps":
		return []int{990}
	case "hl7-mllp":
		return HL7{}.Ports()
	case "winrm":
		return []int{5985, 5986}
	}
	for _, p := range allProbers {
		if p.Name() == service {
			return p.Ports()
		}
	}
	return nil
}

// unusualNote is the French remark added to the evidence of a service met
// on an unusual port.
func unusualNote(service string, usual []int) string {
	ps := make([]string, 0, len(usual))
	for _, p := range usual[:min(len(usual), 5)] {
		ps = append(ps, strconv.Itoa(p))
	}
	return fmt.Sprintf("port inhabituel : %s écoute d'ordinaire sur %s ; un service déplacé reste exposé et garde la même gravité", service, strings.Join(ps, ", "))
}

// reason explains in French why a port was not identified: what the server
// did (silence, closing, unrecognised bytes, a TLS failure) and what the
// time budget left untried.
func (e *ident) reason() string {
	st := e.stats
	var parts []string
	switch {
	case st.innerTLS:
		parts = append(parts, "le service parle TLS mais le protocole transporté n'a pas été reconnu")
	case st.tlsErr != "":
		parts = append(parts, "le service répond en TLS mais la poignée de main échoue ("+printable([]byte(st.tlsErr), 120)+")")
	}
	switch st.bannerOut {
	case outAnswered:
		parts = append(parts, "bannière non reconnue « "+printable(st.banner, 60)+" »")
	case outClosed:
		parts = append(parts, "connexion fermée par le serveur sans bannière")
	default:
		parts = append(parts, "aucune bannière spontanée")
	}
	if st.tried > 0 {
		var what []string
		if st.silent > 0 {
			what = append(what, fmt.Sprintf("%d sans réponse", st.silent))
		}
		if st.closed > 0 {
			what = append(what, french.Plural(st.closed, "connexion fermée", "connexions fermées")+" sans réponse")
		}
		if st.answered > 0 {
			w := french.Plural(st.answered, "réponse non reconnue", "réponses non reconnues")
			if len(st.sample) > 0 && st.bannerOut != outAnswered {
				w += " « " + printable(st.sample, 40) + " »"
			}
			what = append(what, w)
		}
		if st.refused > 0 {
			what = append(what, french.Plural(st.refused, "connexion refusée", "connexions refusées"))
		}
		s := french.Plural(st.tried, "sonde essayée", "sondes essayées")
		if len(what) > 0 {
			s += " (" + strings.Join(what, ", ") + ")"
		}
		parts = append(parts, s)
	}
	if st.untried > 0 {
		parts = append(parts, french.Plural(st.untried, "sonde non essayée", "sondes non essayées")+" : budget de temps du port épuisé")
	}
	return fmt.Sprintf("service non identifié en %s : %s", french.Duration(time.Since(e.start)), strings.Join(parts, " ; "))
}
