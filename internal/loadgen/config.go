// Package loadgen sends signed Twilio SMS webhooks to a Hotline server and
// measures how many are acknowledged and how fast. It exists so that the
// numbers the README quotes come from a tool anyone can rerun, and it is meant
// only for loopback or servers you run yourself: it sends to exactly the URL
// it is given and follows no redirects.
package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
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
	// ReportEvery, when > 0 with Report set, cuts the run into windows of
	// this length and hands each to Report as it ends (window.go): what a
	// soak run needs to show that latency and memory stay flat.
	ReportEvery time.Duration
	Report      func(Window)
	// ServerPID, when > 0, adds that process's RSS to each window.
	ServerPID int
	// Client overrides the tuned default client (tests). It must send to
	// URL's host.
	Client *fasthttp.HostClient
}

func (c *Config) normalize() error {
	if c.URL == "" {
		return errors.New("loadgen: no URL")
	}
	if c.PublicURL == "" {
		c.PublicURL = c.URL
	}
	if c.N < 0 || c.Duration < 0 || c.Rate < 0 || c.ReportEvery < 0 {
		return errors.New("loadgen: negative -n, -duration, -rate or -report-every")
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

// NewClient returns a client for rawURL's host that keeps one connection per
// worker, so a run measures the server rather than TCP handshakes. It is
// fasthttp's rather than net/http's because at 10,000 requests/s on two cores
// the tool must leave the CPU to the server it measures; fasthttp's Do never
// follows a redirect and asks for no compression.
func NewClient(rawURL string, concurrency int, timeout time.Duration) (*fasthttp.HostClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	port := u.Port()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("loadgen: URL scheme %q is not http or https", u.Scheme)
	case u.Hostname() == "":
		return nil, errors.New("loadgen: URL has no host")
	case port == "" && u.Scheme == "https":
		port = "443"
	case port == "":
		port = "80"
	}
	return &fasthttp.HostClient{
		Addr:                     net.JoinHostPort(u.Hostname(), port),
		IsTLS:                    u.Scheme == "https",
		Name:                     "hotline-load",
		NoDefaultUserAgentHeader: true,
		MaxConns:                 max(concurrency, 1),
		MaxConnWaitTimeout:       timeout,
		ReadTimeout:              timeout,
		WriteTimeout:             timeout,
	}, nil
}
