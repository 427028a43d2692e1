package dossier

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"vigie/internal/care"
)

// rawParticipant is a crisis cell member as written in the file.
type rawParticipant struct {
	Role      string `json:"role"`
	Direction string `json:"direction"`
}

// rawAction is an action plan item as written in the file.
type rawAction struct {
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	Due    string `json:"due"`
	Status string `json:"status"`
}

// participants validates an exercise's participants; p is the exercise path.
func (v *validator) participants(p string, elems []json.RawMessage) []care.Participant {
	var out []care.Participant
	for i, e := range elems {
		q := fmt.Sprintf("%s.participants[%d]", p, i)
		var r rawParticipant
		if !v.decodeElem(q, e, &r) {
			return nil
		}
		v.required(q+".role", r.Role)
		out = append(out, care.Participant{Role: strings.TrimSpace(r.Role), Direction: strings.TrimSpace(r.Direction)})
	}
	return out
}

// actions validates an exercise's action plan; p is the exercise path.
func (v *validator) actions(p string, elems []json.RawMessage) []care.Action {
	var out []care.Action
	for i, e := range elems {
		q := fmt.Sprintf("%s.actions[%d]", p, i)
		var r rawAction
		if !v.decodeElem(q, e, &r) {
			return nil
		}
		v.required(q+".title", r.Title)
		a := care.Action{Title: strings.TrimSpace(r.Title), Owner: strings.TrimSpace(r.Owner),
			Due: v.date(q+".due", r.Due, false), Status: r.Status}
		switch {
		case r.Status == "":
			v.fail(q+".status", "champ obligatoire (a_faire, en_cours ou fait)")
		case !slices.Contains(care.ActionStatuses, r.Status):
			v.fail(q+".status", "statut %q inconnu (attendu a_faire, en_cours ou fait)", r.Status)
		}
		out = append(out, a)
	}
	return out
}

// decodeElem strictly decodes one nested list element, so that errors carry
// its index; it reports whether decoding succeeded.
func (v *validator) decodeElem(path string, data []byte, dst any) bool {
	if err := strictDecode(data, dst); err != nil {
		v.add(jsonErr(path, data, err))
		return false
	}
	return true
}
