package dossier

import (
	"bytes"
	"reflect"
	"testing"
)

// Exercise participants and action plans, and oSIS checklists, survive
// Write then Parse.
func TestRoundTripPlansAndMeasures(t *testing.T) {
	f, err := Parse([]byte(issueExample))
	if err != nil {
		t.Fatal(err)
	}
	x, o := f.Exercises[0], f.OSIS[1]
	if len(x.Participants) != 2 || x.Actions[0].Due.String() != "2025-03-31" || o.Measures["MP02"] != "partiel" || o.Answered() != 3 {
		t.Fatalf("parsed: %+v %+v", x, o)
	}
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	g, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(f, g) {
		t.Fatalf("round trip changed the facts:\n%s", buf.String())
	}
}
