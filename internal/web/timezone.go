package web

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Paris even where the system has no zone data

	"vigie/internal/civil"
)

// DefaultTimeZone is the time zone of the dates and times Vigie shows to
// people (and of "today"), unless Config.Location says otherwise.
const DefaultTimeZone = "Europe/Paris"

// LoadTimeZone returns the named IANA time zone (DefaultTimeZone when
// name is empty), with a French error naming it when unknown.
func LoadTimeZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("fuseau horaire « %s » inconnu (exemple : Europe/Paris, America/Cayenne, Indian/Reunion)", name)
	}
	return l, nil
}

// parisZone returns Europe/Paris (always available: the zone data is embedded).
func parisZone() *time.Location {
	l, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return l
}

// today is the current date in the server's time zone.
func (s *Server) today() civil.Date { return civil.Of(s.now().In(s.loc)) }
