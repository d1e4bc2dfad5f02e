// Package loadgen sends signed Twilio SMS webhooks to a Hotline server and
// measures how many are acknowledged and how fast. It exists so that the
// numbers the README quotes come from a tool anyone can rerun, and it is meant
// only for loopback or servers you run yourself: it sends to exactly the URL
// it is given and follows no redirects.
package loadgen

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Config says what to send, where, and how much.
type Config struct {
	// URL is where requests go; PublicURL is what they are signed against
	// (the server checks signatures against its public URL). An empty
	// PublicURL means URL.
	URL, PublicURL string
	Token          string // Twilio auth token to sign with
	Account        string // AccountSid put in every form

	// N bounds the number of requests and Duration the time spent sending;
	// zero means no bound of that kind, but at least one must be set.
	N        int
	Duration time.Duration
	// Concurrency is the number of requests in flight at most.
	Concurrency int
	// Rate, when > 0, sends on an open-loop schedule of Rate requests per
	// second and measures latency from each request's scheduled time, so a
	// stalled server shows as latency instead of quietly lowering the load
	// (coordinated omission). Zero sends as fast as Concurrency allows.
	Rate float64
	// Senders is the number of distinct fictional From numbers.
	Senders int
	// Timeout bounds one request; Twilio gives up after 15 s.
	Timeout time.Duration
	// SIDs, if set, receives the MessageSid of every acknowledged request,
	// one per line, written as each acknowledgement arrives.
	SIDs io.Writer
	// Client overrides the tuned default client (tests).
	Client *http.Client
}

func (c *Config) normalize() error {
	if c.URL == "" {
		return errors.New("loadgen: no URL")
	}
	if c.PublicURL == "" {
		c.PublicURL = c.URL
	}
	if c.N < 0 || c.Duration < 0 || c.Rate < 0 {
		return errors.New("loadgen: negative -n, -duration or -rate")
	}
	if c.N == 0 && c.Duration == 0 {
		return errors.New("loadgen: set a request count or a duration")
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.Senders <= 0 {
		c.Senders = 1
	}
	if c.Senders > 1_000_000 {
		return errors.New("loadgen: at most 1000000 senders (six digits after +85510)")
	}
	if c.Timeout <= 0 {
		c.Timeout = 15 * time.Second
	}
	return nil
}

// NewClient returns an HTTP client that keeps one idle connection per
// worker, so a run measures the server rather than TCP handshakes, and that
// never follows a redirect away from the target.
func NewClient(concurrency int, timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * concurrency
	t.MaxIdleConnsPerHost = concurrency
	t.DisableCompression = true
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
