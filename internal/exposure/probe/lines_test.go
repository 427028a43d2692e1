package probe

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"

	"vigie/internal/exposure"
)

// lineServer greets, then answers each command line with the reply mapped
// to its first word ("" for anything else).
func lineServer(greeting string, replies map[string]string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(greeting))
		r := bufio.NewReader(c)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.Fields(l + " x")[0])
			rep, ok := replies[cmd]
			if !ok {
				rep = "502 non\r\n"
			}
			c.Write([]byte(rep))
			if cmd == "QUIT" {
				return
			}
		}
	}
}

func TestSMTP(t *testing.T) {
	tg := serve(t, lineServer("220 mx.chu-test.fr ESMTP Postfix (Debian/GNU)\r\n", map[string]string{
		"EHLO": "250-mx.chu-test.fr\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
		"QUIT": "221 bye\r\n",
	}))
	r, err := SMTP{}.Probe(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Product != "Postfix" || !hasClass(r, exposure.ClassSMTPOpen) || hasClass(r, exposure.ClassSMTPNoSTARTTLS) {
		t.Fatalf("%+v %s", r, classes(r))
	}
	tg = serve(t, lineServer("220 relais ESMTP Exim 4.96\r\n", map[string]string{"EHLO": "250-relais\r\n250 SIZE 1000\r\n"}))
	r, err = SMTP{}.Probe(context.Background(), tg)
	if err != nil || r.Product != "Exim" || r.Version != "4.96" || !hasClass(r, exposure.ClassSMTPNoSTARTTLS) {
		t.Fatalf("Exim sans STARTTLS : %+v %v", r, err)
	}
}

func TestFTPWithoutAnonymous(t *testing.T) {
	tg := serve(t, lineServer("220 ProFTPD 1.3.8 Server (CHU)\r\n", map[string]string{
		"FEAT": "211-Features:\r\n AUTH TLS\r\n MDTM\r\n211 End\r\n",
		"USER": "331 Password required\r\n",
		"PASS": "530 Login incorrect.\r\n",
		"QUIT": "221 Goodbye.\r\n",
	}))
	r, err := FTP{}.Probe(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Product != "ProFTPD" || r.Version != "1.3.8" || hasClass(r, exposure.ClassFTPAnonymous) || hasClass(r, exposure.ClassFTPCleartext) {
		t.Fatalf("%+v %s", r, classes(r))
	}
}

func TestTelnetLoginPrompt(t *testing.T) {
	tg := serve(t, func(c net.Conn) { c.Write([]byte("\r\nSwitch-Imagerie login: ")) })
	r, err := Telnet{}.Probe(context.Background(), tg)
	if err != nil || !hasClass(r, exposure.ClassTelnetExposed) {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestRedisWithPassword(t *testing.T) {
	tg := serve(t, func(c net.Conn) {
		buf := make([]byte, 64)
		c.Read(buf)
		c.Write([]byte("-NOAUTH Authentication required.\r\n"))
	})
	r, err := Redis{}.Probe(context.Background(), tg)
	if err != nil || hasClass(r, exposure.ClassRedisNoAuth) || !hasClass(r, exposure.ClassRedisExposed) {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestPostgresPassword(t *testing.T) {
	tg := serve(t, func(c net.Conn) {
		buf := make([]byte, 256)
		c.Read(buf)
		c.Write([]byte{'R', 0, 0, 0, 8, 0, 0, 0, 5}) // md5
	})
	r, err := Postgres{}.Probe(context.Background(), tg)
	if err != nil || hasClass(r, exposure.ClassPostgresTrust) || !hasClass(r, exposure.ClassPostgresExposed) || !strings.Contains(r.Banner, "md5") {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestMySQLHostRefused(t *testing.T) {
	msg := "\xff\x6a\x04Host '203.0.113.5' is not allowed to connect to this MariaDB server"
	tg := serve(t, func(c net.Conn) {
		c.Write(append([]byte{byte(len(msg)), 0, 0, 0}, msg...))
	})
	r, err := MySQL{}.Probe(context.Background(), tg)
	if err != nil || !hasClass(r, exposure.ClassMySQLExposed) || hasClass(r, exposure.ClassMySQLNoPassword) || !strings.Contains(r.Banner, "1130") {
		t.Fatalf("%+v %v", r, err)
	}
}
