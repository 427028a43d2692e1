package probe

import (
	"bytes"
	"context"
	"strings"

	"vigie/internal/exposure"
)

// HL7 sends one harmless HL7 v2 network-management query (NMQ^N01, no
// patient data) in MLLP framing and checks for a framed answer.
type HL7 struct{}

// Name implements Prober.
func (HL7) Name() string { return "hl7" }

// Ports implements Prober.
func (HL7) Ports() []int { return []int{2575} }

const hl7Query = "\x0bMSH|^~\\&|VIGIE|AUDIT|||20260101000000||NMQ^N01|VIGIE0001|P|2.3\rNCK|20260101000000\r\x1c\r"

// HL7Answer is the parsed answer.
type HL7Answer struct {
	SendingApp, MessageType, AckCode, Version string
}

// ParseMLLP checks the \x0b … \x1c\r framing and reads MSH and MSA.
func ParseMLLP(b []byte) (*HL7Answer, error) {
	start := bytes.IndexByte(b, 0x0b)
	end := bytes.Index(b, []byte{0x1c, '\r'})
	if start != 0 || end < 1 {
		return nil, ErrNoMatch
	}
	msg := string(b[1:end])
	a := &HL7Answer{}
	for _, seg := range strings.Split(msg, "\r") {
		if len(seg) < 4 {
			continue
		}
		f := strings.Split(seg, string(seg[3]))
		switch seg[:3] {
		case "MSH":
			if len(f) > 2 {
				a.SendingApp = printable([]byte(f[2]), 40)
			}
			if len(f) > 8 {
				a.MessageType = printable([]byte(f[8]), 20)
			}
			if len(f) > 11 {
				a.Version = printable([]byte(f[11]), 10)
			}
		case "MSA":
			if len(f) > 1 {
				a.AckCode = printable([]byte(f[1]), 4)
			}
		}
	}
	return a, nil
}

// Probe implements Prober.
func (HL7) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write([]byte(hl7Query)); err != nil {
		return nil, err
	}
	b, _ := readAtMost(c, 16<<10, func(b []byte) bool { return bytes.Contains(b, []byte{0x1c, '\r'}) })
	a, err := ParseMLLP(b)
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "hl7-mllp", Product: a.SendingApp, Banner: printable(b, 200)}
	ev := "réponse HL7 v2 encadrée MLLP"
	if a.MessageType != "" {
		ev += " (" + a.MessageType
		if a.AckCode != "" {
			ev += ", MSA " + a.AckCode
		}
		ev += ")"
	}
	r.observe(exposure.ClassHL7MLLP, exposure.Confirmed, ev)
	return r, nil
}
