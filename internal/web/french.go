package web

import (
	"strings"

	"vigie/internal/french"
)

// kitNames are the crisis exercise kit levels as stored, in sentences.
var kitNames = strings.NewReplacer("kit debutant", "kit débutant", "kit intermediaire", "kit intermédiaire", "kit confirme", "kit confirmé")

// frText finishes a French sentence built for people, possibly stored by
// an older version: ISO dates become JJ/MM/AAAA, « 1 audit(s) » agrees
// with its count (« 1 audit », « 3 audits ») and kit levels take their
// accents.
func frText(s string) string {
	s = french.Dates(s)
	if strings.Contains(s, "kit ") {
		s = kitNames.Replace(s)
	}
	return french.AgreeCounts(s)
}
