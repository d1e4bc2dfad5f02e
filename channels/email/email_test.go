package email

import (
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"hotline"
)

// relay is a real SMTP server on loopback that keeps what it accepts and
// refuses as told.
type relay struct {
	mu       sync.Mutex
	refuse   []int // SMTP codes to answer DATA with before accepting
	messages []accepted
}

type accepted struct {
	from, to string
	data     []byte
}

type session struct {
	r        *relay
	from, to string
}

func (r *relay) NewSession(*smtp.Conn) (smtp.Session, error)   { return &session{r: r}, nil }
func (s *session) Reset()                                      {}
func (s *session) Logout() error                               { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = to; return nil }
func (s *session) Data(rd io.Reader) error {
	b, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if len(s.r.refuse) > 0 {
		code := s.r.refuse[0]
		s.r.refuse = s.r.refuse[1:]
		return &smtp.SMTPError{Code: code, Message: "refused"}
	}
	s.r.messages = append(s.r.messages, accepted{s.from, s.to, b})
	return nil
}

func startRelay(t *testing.T, refuse ...int) (*relay, string) {
	r := &relay{refuse: refuse}
	srv := smtp.NewServer(r)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r, ln.Addr().String()
}

func TestEmailOverARealSMTPExchange(t *testing.T) {
	r, addr := startRelay(t)
	s := NewSender(Config{Addr: addr, From: "Hotline <hotline@example.org>"})
	body := "핫라인 인계 HX-KO1\nលិខិតឆ្លងដែន — ខ្វះ\nAcknowledge: https://hotline.test/ack/abc"
	id, err := s.Send(context.Background(), hotline.Outbound{Channel: hotline.Email, To: "desk@embassy.example", Subject: "[CRITICAL] 핫라인 인계 HX-KO1", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.messages) != 1 {
		t.Fatalf("relay got %d messages", len(r.messages))
	}
	got := r.messages[0]
	if got.from != "hotline@example.org" || got.to != "desk@embassy.example" {
		t.Fatalf("envelope %s → %s", got.from, got.to)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got.data)))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Message-ID") != id {
		t.Fatalf("provider id %q, header %q", id, msg.Header.Get("Message-ID"))
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subj != "[CRITICAL] 핫라인 인계 HX-KO1" {
		t.Fatalf("subject %q", subj)
	}
	// The body survives quoted-printable in all three scripts.
	if !strings.Contains(string(got.data), "=") {
		t.Fatal("body not encoded")
	}
}

func TestEmailRefusalsAreClassified(t *testing.T) {
	r, addr := startRelay(t, 451, 550)
	s := NewSender(Config{Addr: addr, From: "hotline@example.org"})
	m := hotline.Outbound{Channel: hotline.Email, To: "desk@police.example", Subject: "s", Body: "b"}
	_, err := s.Send(context.Background(), m)
	if se, ok := err.(*hotline.SendError); !ok || !se.Retryable {
		t.Fatalf("451: %v", err)
	}
	_, err = s.Send(context.Background(), m)
	if se, ok := err.(*hotline.SendError); !ok || se.Retryable {
		t.Fatalf("550: %v", err)
	}
	if _, err := s.Send(context.Background(), m); err != nil || len(r.messages) != 1 {
		t.Fatalf("third attempt: %v, %d accepted", err, len(r.messages))
	}
	if _, err := NewSender(Config{}).Send(context.Background(), m); err != hotline.ErrNotConfigured {
		t.Fatalf("unconfigured: %v", err)
	}
}
