package alert

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"time"
)

// SMTP sends alerts by e-mail. The connection must be upgraded with
// STARTTLS (refused otherwise) before authenticating (PLAIN).
type SMTP struct {
	// Addr is host:port of the submission server (587 usually).
	Addr string
	// User and Password authenticate; empty User: no authentication.
	User, Password string
	// From is the sender address.
	From string
	// TLS configures the STARTTLS handshake (ServerName defaults to the
	// host of Addr; RootCAs to the system's).
	TLS *tls.Config
	// Timeout bounds a whole delivery (30 s when zero).
	Timeout time.Duration
}

// Send delivers one message to one recipient.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	if _, err := mail.ParseAddress(to); err != nil {
		return fmt.Errorf("adresse %q invalide : %w", to, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("serveur SMTP %q : %w", s.Addr, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("serveur SMTP %s : %w", s.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("serveur SMTP %s : %w", s.Addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return fmt.Errorf("serveur SMTP %s : STARTTLS non proposé, envoi refusé", s.Addr)
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		cfg = s.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
	}
	if err := c.StartTLS(cfg); err != nil {
		return fmt.Errorf("serveur SMTP %s : STARTTLS : %w", s.Addr, err)
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return fmt.Errorf("serveur SMTP %s : authentification : %w", s.Addr, err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("serveur SMTP %s : expéditeur : %w", s.Addr, err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("serveur SMTP %s : destinataire %s : %w", s.Addr, to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("serveur SMTP %s : %w", s.Addr, err)
	}
	msg, err := s.message(to, subject, body)
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("serveur SMTP %s : %w", s.Addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("serveur SMTP %s : message refusé : %w", s.Addr, err)
	}
	return c.Quit()
}

// message formats a UTF-8 plain-text message (subject encoded per RFC 2047,
// body quoted-printable).
func (s *SMTP) message(to, subject, body string) ([]byte, error) {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@vigie>\r\n",
		s.From, to, mime.QEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z), hex.EncodeToString(id))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write(bytes.ReplaceAll([]byte(body), []byte("\n"), []byte("\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, errors.New("corps du message illisible")
	}
	return b.Bytes(), nil
}
