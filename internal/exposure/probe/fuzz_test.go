package probe

import (
	"testing"
	"unicode/utf8"
)

// Each banner parser must accept any bytes without panicking and keep what
// it returns printable and bounded.

func checkResult(t *testing.T, r *Result) {
	if r == nil {
		return
	}
	for _, s := range []string{r.Banner, r.Product, r.Version} {
		if !utf8.ValidString(s) || len(s) > 4096 {
			t.Fatalf("champ non borné ou invalide : %q", s)
		}
	}
}

func FuzzParseSSHBanner(f *testing.F) {
	f.Add("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
	f.Add("SSH-1.99-Cisco-1.25")
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := ParseSSHBanner(s)
		checkResult(t, r)
	})
}

func FuzzParseFTPGreeting(f *testing.F) {
	f.Add("220 (vsFTPd 3.0.3)")
	f.Add("220 ProFTPD 1.3.5e Server")
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := ParseFTPGreeting(s)
		checkResult(t, r)
	})
}

func FuzzParseSMTPGreeting(f *testing.F) {
	f.Add("220 mail.chu.fr ESMTP Postfix (Debian/GNU)")
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := ParseSMTPGreeting(s)
		checkResult(t, r)
	})
}

func FuzzIsTelnet(f *testing.F) {
	f.Add([]byte{0xff, 0xfb, 0x25, 0xff, 0xfd, 0x18})
	f.Fuzz(func(t *testing.T, b []byte) { _ = IsTelnet(b) })
}

func FuzzParseRFBVersion(f *testing.F) {
	f.Add([]byte("RFB 003.008\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = ParseRFBVersion(b) })
}

func FuzzParseMySQLHandshake(f *testing.F) {
	f.Add([]byte("\x0a5.5.5-10.11.14-MariaDB-0+deb12u2\x00\x01\x02"))
	f.Add([]byte("\xff\x6a\x04Host '1.2.3.4' is not allowed"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseMySQLHandshake(b)
		if err == nil && h.ErrorCode == 0 && h.Version == "" {
			t.Fatal("poignée de main sans version acceptée")
		}
	})
}

func FuzzParsePGError(f *testing.F) {
	f.Add([]byte("SFATAL\x00C28000\x00Mno pg_hba.conf entry\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s := ParsePGError(b); !utf8.ValidString(s) {
			t.Fatal("message non imprimable")
		}
	})
}

func FuzzParseRedisInfo(f *testing.F) {
	f.Add([]byte("$40\r\n# Server\r\nredis_version:7.0.15\r\nfoo:bar\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseRedisInfo(b) })
}

func FuzzParsePrelogin(f *testing.F) {
	f.Add([]byte{4, 1, 0, 26, 0, 0, 1, 0, 0, 0, 11, 0, 6, 1, 0, 17, 0, 1, 0xff, 15, 0, 7, 0xd0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParsePrelogin(b) })
}

func FuzzParseOpMsgReply(f *testing.F) {
	f.Add(opMsg(1, bsonDoc("ok", float64(1), "version", "7.0.1", "d", []any{"x", int32(1)})))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseOpMsgReply(b) })
}

func FuzzParseDICOMAnswer(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 0, 4, 0, 1, 1, 3})
	ac := associateRQ("X", "Y")
	ac[0] = 2
	f.Add(ac)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseDICOMAnswer(b) })
}

func FuzzParseMLLP(f *testing.F) {
	f.Add([]byte("\x0bMSH|^~\\&|APP|FAC|||2026||ACK|1|P|2.5\rMSA|AA|1\r\x1c\r"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseMLLP(b) })
}

func FuzzParseX224CC(f *testing.F) {
	f.Add([]byte{3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseX224CC(b) })
}

func FuzzParseSMBNegotiate(f *testing.F) {
	f.Add(append([]byte{0, 0, 0, 37}, append([]byte{0xff, 'S', 'M', 'B', 0x72}, make([]byte, 32)...)...))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseSMBNegotiate(b) })
}

func FuzzParseHTTP(f *testing.F) {
	f.Add([]byte("<html><head><title>Portail &amp; VPN</title>"), "nginx/1.22.1")
	f.Fuzz(func(t *testing.T, body []byte, server string) {
		if s := ParseTitle(body); !utf8.ValidString(s) {
			t.Fatal("titre non imprimable")
		}
		_, _ = ParseServer(server)
		_, _ = ParseESInfo(body)
	})
}

func FuzzParseServerHelloVersion(f *testing.F) {
	f.Add([]byte{0x16, 3, 0, 0, 6, 2, 0, 0, 2, 3, 0})
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseServerHelloVersion(b) })
}
