// Package email notifies responders by SMTP. Mail is what every embassy
// and police desk already reads; the packet goes as plain UTF-8 text so
// Khmer and Korean survive any client.
package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"hotline"
)

// Config says how to reach the mail relay.
type Config struct {
	Addr     string // host:port of the SMTP relay (HOTLINE_SMTP_ADDR)
	From     string // sender address (HOTLINE_SMTP_FROM)
	Username string // optional; PLAIN auth (over TLS, or to localhost)
	Password string
	Timeout  time.Duration // default 30 s
}

// Sender sends hotline.Outbound messages on the email channel.
type Sender struct{ cfg Config }

// NewSender returns a Sender; without Addr and From it answers
// hotline.ErrNotConfigured.
func NewSender(cfg Config) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}
}

// Send implements hotline.Sender; the provider id is the Message-ID.
func (s *Sender) Send(ctx context.Context, m hotline.Outbound) (string, error) {
	if s.cfg.Addr == "" || s.cfg.From == "" {
		return "", hotline.ErrNotConfigured
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return "", &hotline.SendError{Code: "address", Err: err}
	}
	from, err := mail.ParseAddress(s.cfg.From)
	if err != nil {
		return "", &hotline.SendError{Code: "config", Err: err}
	}
	id := messageID(from.Address)
	msg, err := compose(from, to, m.Subject, m.Body, id)
	if err != nil {
		return "", &hotline.SendError{Err: err}
	}
	deadline := time.Now().Add(s.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := (&net.Dialer{Deadline: deadline}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return "", &hotline.SendError{Retryable: true, Code: "not_connected", Err: err}
	}
	conn.SetDeadline(deadline)
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return "", classify(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(tlsConfig(host)); err != nil {
			return "", classify(err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return "", classify(err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return "", classify(err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return "", classify(err)
	}
	w, err := c.Data()
	if err != nil {
		return "", classify(err)
	}
	if _, err := w.Write(msg); err != nil {
		return "", classify(err)
	}
	if err := w.Close(); err != nil {
		return "", classify(err)
	}
	c.Quit()
	return id, nil
}

func messageID(from string) string {
	b := make([]byte, 12)
	rand.Read(b)
	domain := "hotline.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = d
	}
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

func compose(from, to *mail.Address, subject, body, id string) ([]byte, error) {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", subject))
	h("Date", time.Now().Format(time.RFC1123Z))
	h("Message-ID", id)
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// classify: SMTP 4xx replies are temporary, 5xx permanent; a broken
// connection may be temporary.
func classify(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		return &hotline.SendError{Retryable: te.Code >= 400 && te.Code < 500, Code: fmt.Sprint(te.Code), Err: err}
	}
	return &hotline.SendError{Retryable: true, Code: "no_answer", Err: err}
}
