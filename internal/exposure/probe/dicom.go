package probe

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"vigie/internal/exposure"
)

// DICOM sends an A-ASSOCIATE-RQ for the Verification SOP class (PS3.8 §9.3)
// with a made-up called AE title, then releases the association. No C-ECHO
// or storage is attempted.
type DICOM struct{}

// Name implements Prober.
func (DICOM) Name() string { return "dicom" }

// Ports implements Prober.
func (DICOM) Ports() []int { return []int{104, 11112, 4242} }

const (
	dicomAppContext   = "1.2.840.10008.3.1.1.1"
	dicomVerification = "1.2.840.10008.1.1"
	dicomImplicitLE   = "1.2.840.10008.1.2"
	vigieImplClass    = "1.2.826.0.1.3680043.10.1297.1"
)

func dicomItem(typ byte, body []byte) []byte {
	b := []byte{typ, 0, byte(len(body) >> 8), byte(len(body))}
	return append(b, body...)
}

func aeTitle(s string) []byte {
	return []byte(fmt.Sprintf("%-16s", s)[:16])
}

// associateRQ builds the A-ASSOCIATE-RQ PDU.
func associateRQ(called, calling string) []byte {
	var v []byte
	v = append(v, 0, 1, 0, 0)
	v = append(v, aeTitle(called)...)
	v = append(v, aeTitle(calling)...)
	v = append(v, make([]byte, 32)...)
	v = append(v, dicomItem(0x10, []byte(dicomAppContext))...)
	pc := []byte{1, 0, 0, 0}
	pc = append(pc, dicomItem(0x30, []byte(dicomVerification))...)
	pc = append(pc, dicomItem(0x40, []byte(dicomImplicitLE))...)
	v = append(v, dicomItem(0x20, pc)...)
	ui := dicomItem(0x51, []byte{0, 0, 0x40, 0})
	ui = append(ui, dicomItem(0x52, []byte(vigieImplClass))...)
	ui = append(ui, dicomItem(0x55, []byte("VIGIE"))...)
	v = append(v, dicomItem(0x50, ui)...)
	h := []byte{0x01, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(h[2:], uint32(len(v)))
	return append(h, v...)
}

// DICOMAnswer is the parsed answer to an A-ASSOCIATE-RQ.
type DICOMAnswer struct {
	Accepted bool
	// Rejected gives result/source/reason of an A-ASSOCIATE-RJ.
	Rejected       bool
	Result, Source byte
	Reason         byte
	Aborted        bool
	// PCAccepted: the Verification presentation context was accepted.
	PCAccepted  bool
	CalledAE    string
	ImplClass   string
	ImplVersion string
}

// ParseDICOMAnswer decodes an A-ASSOCIATE-AC, -RJ or A-ABORT PDU.
func ParseDICOMAnswer(p []byte) (*DICOMAnswer, error) {
	if len(p) < 6 {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(p[2:6]))
	if n > len(p)-6 || p[1] != 0 {
		return nil, ErrNoMatch
	}
	body := p[6 : 6+n]
	a := &DICOMAnswer{}
	switch p[0] {
	case 0x03:
		if len(body) != 4 {
			return nil, ErrNoMatch
		}
		a.Rejected, a.Result, a.Source, a.Reason = true, body[1], body[2], body[3]
		return a, nil
	case 0x07:
		if len(body) != 4 {
			return nil, ErrNoMatch
		}
		a.Aborted, a.Source, a.Reason = true, body[2], body[3]
		return a, nil
	case 0x02:
	default:
		return nil, ErrNoMatch
	}
	if len(body) < 68 || body[0] != 0 || body[1] != 1 {
		return nil, ErrNoMatch
	}
	a.Accepted = true
	a.CalledAE = strings.TrimSpace(string(body[4:20]))
	items := body[68:]
	for len(items) >= 4 {
		l := int(binary.BigEndian.Uint16(items[2:4]))
		if 4+l > len(items) {
			return nil, ErrNoMatch
		}
		v := items[4 : 4+l]
		switch items[0] {
		case 0x21:
			if len(v) >= 3 && v[2] == 0 {
				a.PCAccepted = true
			}
		case 0x50:
			for len(v) >= 4 {
				sl := int(binary.BigEndian.Uint16(v[2:4]))
				if 4+sl > len(v) {
					break
				}
				sv := string(v[4 : 4+sl])
				switch v[0] {
				case 0x52:
					a.ImplClass = printable([]byte(strings.TrimRight(sv, "\x00 ")), 64)
				case 0x55:
					a.ImplVersion = printable([]byte(strings.TrimSpace(sv)), 16)
				}
				v = v[4+sl:]
			}
		}
		items = items[4+l:]
	}
	return a, nil
}

// Probe implements Prober.
func (DICOM) Probe(ctx context.Context, t Target) (*Result, error) {
	c, err := t.dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write(associateRQ("ANY-SCP", "VIGIE-AUDIT")); err != nil {
		return nil, err
	}
	h, err := readFull(c, 6)
	if err != nil {
		return nil, ErrNoMatch
	}
	n := int(binary.BigEndian.Uint32(h[2:6]))
	if h[0] < 1 || h[0] > 7 || n > 64<<10 {
		return nil, ErrNoMatch
	}
	rest, err := readFull(c, n)
	if err != nil {
		return nil, ErrNoMatch
	}
	a, err := ParseDICOMAnswer(append(h, rest...))
	if err != nil {
		return nil, err
	}
	r := &Result{Service: "dicom"}
	switch {
	case a.Accepted:
		_, _ = c.Write([]byte{0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0}) // A-RELEASE-RQ
		_, _ = readAtMost(c, 64, func(b []byte) bool { return len(b) >= 10 })
		r.Product, r.Version = dicomProduct(a.ImplVersion)
		r.Banner = fmt.Sprintf("A-ASSOCIATE-AC (implémentation %s %s)", a.ImplClass, a.ImplVersion)
		r.observe(exposure.ClassDICOMExposed, exposure.Confirmed, "le service DICOM répond à une demande d'association")
		ev := "association acceptée pour l'AE appelé inconnu « ANY-SCP » depuis « VIGIE-AUDIT »"
		if a.PCAccepted {
			ev += " (classe Verification acceptée)"
		}
		r.observe(exposure.ClassDICOMAssociation, exposure.Confirmed, ev)
	case a.Rejected:
		r.Banner = fmt.Sprintf("A-ASSOCIATE-RJ (résultat %d, source %d, motif %d)", a.Result, a.Source, a.Reason)
		r.observe(exposure.ClassDICOMExposed, exposure.Confirmed, "le service DICOM répond mais refuse l'association : "+r.Banner)
	default:
		r.Banner = fmt.Sprintf("A-ABORT (source %d, motif %d)", a.Source, a.Reason)
		r.observe(exposure.ClassDICOMExposed, exposure.Confirmed, "le service DICOM répond par "+r.Banner)
	}
	r.versionObservation()
	return r, nil
}

// dicomProduct reads well-known implementation version names.
func dicomProduct(impl string) (string, string) {
	switch {
	case strings.HasPrefix(impl, "OFFIS_DCMTK_"):
		v := strings.TrimPrefix(impl, "OFFIS_DCMTK_")
		if len(v) == 3 {
			v = v[:1] + "." + v[1:2] + "." + v[2:]
		}
		return "DCMTK", v
	case strings.HasPrefix(impl, "ORTHANC"):
		return "Orthanc", ""
	}
	return impl, ""
}
