package probe

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"

	"vigie/internal/exposure/probe/probetest"
)

// answerOf runs a fake server handler on one side of a pipe, sends req and
// returns what the fake answered (seeds for the parsers' fuzz targets).
func answerOf(h probetest.Handler, req []byte) []byte {
	a, b := net.Pipe()
	go func() { defer b.Close(); h(b) }()
	go func() { _, _ = a.Write(req) }()
	_ = a.SetReadDeadline(time.Now().Add(2 * time.Second)) // the fake may wait for more
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := a.Read(buf)
		out.Write(buf[:n])
		if err != nil || out.Len() > 1<<16 {
			break
		}
	}
	a.Close()
	return out.Bytes()
}

func FuzzParseRootDSEAnswer(f *testing.F) {
	f.Add(answerOf(probetest.LDAP(true), rootDSERequest(1)))
	f.Add(answerOf(probetest.LDAP(false), rootDSERequest(1)))
	f.Add([]byte("0\x0c\x02\x01\x01e\x07\x0a\x01\x01\x04\x00\x04\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseRootDSEAnswer(bytes.NewReader(b))
		if err != nil {
			return
		}
		r := ldapResult(d, false)
		checkResult(t, r)
		if !hasClass(r, "ldap-exposed") {
			t.Fatal("annuaire reconnu sans constat ldap-exposed")
		}
	})
}

func FuzzParseKerberosReply(f *testing.F) {
	sname := types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", "CHU.TEST"}}
	e := messages.NewKRBError(sname, "CHU.TEST", 6, "")
	if b, err := e.Marshal(); err == nil {
		f.Add(append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...))
	}
	f.Add([]byte{0, 0, 0, 3, 0x7e, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseKerberosReply(b)
		if err == nil && (!utf8.ValidString(a.ErrorName) || !utf8.ValidString(a.Realm)) {
			t.Fatal("champ non imprimable")
		}
	})
}

func FuzzParseRPC(f *testing.F) {
	bind := answerOf(probetest.MSRPC(true), epmBind())
	f.Add(bind)
	a, b := net.Pipe()
	go func() { defer b.Close(); probetest.MSRPC(true)(b) }()
	go func() { _, _ = a.Write(append(epmBind(), eptLookup()...)) }()
	_ = a.SetReadDeadline(time.Now().Add(2 * time.Second))
	var all bytes.Buffer
	buf := make([]byte, 8192)
	for all.Len() < 2*len(bind) {
		n, err := a.Read(buf)
		all.Write(buf[:n])
		if err != nil {
			break
		}
	}
	a.Close()
	f.Add(all.Bytes()[len(bind):])
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseRPCPacket(b)
		if err == nil {
			_ = BindAccepted(p.Body)
			for _, u := range EndpointInterfaces(p.Body) {
				if len(u) != 36 {
					t.Fatalf("UUID mal formé : %q", u)
				}
			}
		}
		_ = BindAccepted(b)
		_ = EndpointInterfaces(b)
	})
}

func FuzzParseMailGreeting(f *testing.F) {
	f.Add("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.")
	f.Add("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>")
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := ParseIMAPGreeting(s)
		checkResult(t, r)
		r, _ = ParsePOP3Greeting(s)
		checkResult(t, r)
	})
}

func FuzzParseWebApps(f *testing.F) {
	f.Add(embeddedWebApps)
	f.Add([]byte(`{"version":"1","apps":[{"id":"x","product":"X","category":"c","detect":[{"path":"/","match":[{"status":[200]},{"words":["x"]}],"class":"c","evidence":"e"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWebApps(data, "fuzz")
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Fatal("erreur non imprimable")
			}
			return
		}
		for _, a := range w.Apps {
			for _, c := range a.Detect {
				if len(c.Match) < 2 {
					t.Fatal("vérification à une seule condition acceptée")
				}
			}
		}
	})
}

func FuzzWebCheckHolds(f *testing.F) {
	f.Add(200, []byte(`{"DicomAet":"ORTHANC","ApiVersion":18,"Version":"1.12.4"}`), "Basic realm=\"Orthanc\"", "/remote/login")
	f.Add(200, []byte(`{"resourceType":"Bundle","total":3,"entry":[]}`), "", "")
	f.Add(401, []byte(`[`), "Negotiate", "")
	apps := DefaultWebApps()
	f.Fuzz(func(t *testing.T, status int, body []byte, auth, location string) {
		p := &HTTPPage{Status: status, Body: body, Location: location, Title: ParseTitle(body),
			Header: http.Header{"Www-Authenticate": {auth}, "X-Owa-Version": {location}, "Content-Type": {auth}}}
		for _, a := range apps.Apps {
			for _, cs := range [][]WebCheck{a.Detect, a.Access} {
				for i := range cs {
					c := &cs[i]
					_ = c.Holds(p)
					for _, x := range []*WebExtract{c.Version, c.ProductFrom, c.Count} {
						if v := x.value(p, x == c.Count); !utf8.ValidString(v) || len(v) > 1024 {
							t.Fatalf("valeur extraite non bornée : %q", v)
						}
					}
				}
			}
		}
	})
}

// The literal prefix taken from an nmap pattern only ever skips answers the
// pattern cannot match.
func FuzzLiteralPrefix(f *testing.F) {
	f.Add(`^SSH-([\d.]+)-OpenSSH_([\w._-]+)`, []byte("SSH-2.0-OpenSSH_9.2p1"), false)
	f.Add(`^\xff\xfb\x01abc?d`, []byte("\xff\xfb\x01abd"), false)
	f.Add(`^220 ab|^230`, []byte("230 ok"), true)
	f.Add(`^[]x]a|b`, []byte("b"), false)
	f.Fuzz(func(t *testing.T, pat string, input []byte, fold bool) {
		flags := "s"
		if fold {
			flags = "si"
		}
		re, err := regexp.Compile("(?" + flags + ")" + pat)
		if err != nil {
			return
		}
		m := nmapMatch{pattern: pat, flags: flags, prefix: literalPrefix(pat), fold: fold}
		s := latin1(input)
		if re.MatchString(s) && !m.couldMatch(s) {
			t.Fatalf("le préfixe %q du motif %q écarte %q qui y correspond", m.prefix, pat, s)
		}
	})
}

func FuzzNmapProbesFile(f *testing.F) {
	f.Add(nmapSample, []byte("SSH-2.0-x"))
	f.Add("Probe TCP NULL q||\nmatch x m|^a|\nProbe TCP Y q|\\x00\\r\\n|\nrarity 3\nports 1-5,9\nfallback NULL\nsoftmatch y m|^b|\n", []byte("b"))
	f.Fuzz(func(t *testing.T, text string, answer []byte) {
		db, err := parseNmapProbes(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, p := range db.probes {
			if nm, ok := db.name(p.name, answer); ok && (!utf8.ValidString(nm.Product) || !utf8.ValidString(nm.Version)) {
				t.Fatal("nom non imprimable")
			}
		}
	})
}
