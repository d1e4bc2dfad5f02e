package twilio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	twilio "github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"hotline"
)

// SenderConfig configures outbound SMS and WhatsApp through Twilio's
// Messages API.
type SenderConfig struct {
	AccountSID string
	AuthToken  string
	// From is the sender number, e.g. +85510999000; WhatsApp messages go
	// from "whatsapp:" + From.
	From string
	// BaseURL replaces https://api.twilio.com (tests point it at a loopback
	// fake of the Messages API).
	BaseURL string
	// HTTPClient is used for every call; nil means one with a 20 s timeout.
	HTTPClient *http.Client
}

// Sender sends hotline.Outbound messages on the sms and whatsapp channels.
type Sender struct {
	cfg  SenderConfig
	rest *twilio.RestClient
}

// NewSender builds a Sender. Without credentials or a From number it still
// works as a Sender, answering hotline.ErrNotConfigured, so rows are marked
// visibly instead of vanishing.
func NewSender(cfg SenderConfig) *Sender {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	if cfg.BaseURL != "" {
		if u, err := url.Parse(cfg.BaseURL); err == nil {
			c := *hc
			c.Transport = rebase{to: u, next: transportOf(hc)}
			hc = &c
		}
	}
	cl := &client.Client{Credentials: client.NewCredentials(cfg.AccountSID, cfg.AuthToken), HTTPClient: hc}
	cl.SetAccountSid(cfg.AccountSID)
	return &Sender{cfg: cfg, rest: twilio.NewRestClientWithParams(twilio.ClientParams{Client: cl})}
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// rebase sends requests for Twilio's hosts to another base URL.
type rebase struct {
	to   *url.URL
	next http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	req.Host = r.to.Host
	return r.next.RoundTrip(req)
}

// Twilio error codes with a meaning for the dispatcher.
const (
	codeUnsubscribed = 21610 // the recipient replied STOP
)

// Send implements hotline.Sender. twilio-go takes no context, so the
// HTTP client's timeout bounds the call.
func (s *Sender) Send(ctx context.Context, m hotline.Outbound) (string, error) {
	if s.cfg.AccountSID == "" || s.cfg.AuthToken == "" || s.cfg.From == "" {
		return "", hotline.ErrNotConfigured
	}
	if err := ctx.Err(); err != nil {
		return "", &hotline.SendError{Retryable: true, Err: err}
	}
	to, from := m.To, s.cfg.From
	switch m.Channel {
	case hotline.SMS:
	case hotline.WhatsApp:
		to, from = withPrefix(to), withPrefix(from)
	default:
		return "", fmt.Errorf("twilio: cannot send on channel %q", m.Channel)
	}
	p := &api.CreateMessageParams{}
	p.SetTo(to)
	p.SetFrom(from)
	p.SetBody(m.Body)
	if m.StatusCallback != "" {
		p.SetStatusCallback(m.StatusCallback)
	}
	msg, err := s.rest.Api.CreateMessage(p)
	if err != nil {
		return "", classify(err)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return "", &hotline.SendError{Retryable: false, Err: errors.New("twilio: answer without a message sid")}
	}
	return *msg.Sid, nil
}

func withPrefix(a string) string {
	if strings.HasPrefix(a, "whatsapp:") {
		return a
	}
	return "whatsapp:" + a
}

// Codes of failures without an answer from Twilio.
const (
	CodeNotConnected = "not_connected"
	CodeNoAnswer     = "no_answer"
)

var decodeStatus = regexp.MustCompile(`HTTP error code: (\d+)`)

// classify turns a twilio-go error into a *hotline.SendError: 429 and 5xx
// (and no answer at all) may succeed later; other 4xx will not; 21610 means
// the number unsubscribed and must not be tried again.
func classify(err error) error {
	var re *client.TwilioRestError
	if errors.As(err, &re) {
		se := &hotline.SendError{Code: strconv.Itoa(re.Code), Err: fmt.Errorf("twilio %d: %s", re.Status, re.Message)}
		switch {
		case re.Code == codeUnsubscribed:
			se.Unreachable = true
		case re.Status == http.StatusTooManyRequests || re.Status >= 500:
			se.Retryable = true
		}
		return se
	}
	if m := decodeStatus.FindStringSubmatch(err.Error()); m != nil {
		st, _ := strconv.Atoi(m[1])
		return &hotline.SendError{Code: m[1], Retryable: st == http.StatusTooManyRequests || st >= 500, Err: err}
	}
	// No connection at all: nothing reached Twilio, so trying again cannot
	// send twice.
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return &hotline.SendError{Retryable: true, Code: CodeNotConnected, Err: err}
	}
	// A timeout or reset after the request went out: Twilio may have
	// queued the message. Retryable for a responder; the dispatcher does
	// not retry a reply to a victim on this code.
	return &hotline.SendError{Retryable: true, Code: CodeNoAnswer, Err: err}
}
