package server

import (
	"crypto/subtle"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hotline"
)

// Webhook outcomes, one label value each.
const (
	outcomeAccepted  = "accepted"
	outcomeDuplicate = "duplicate"
	outcomeForged    = "forged"
	outcomeInvalid   = "invalid"
	outcomeLimited   = "limited"
	outcomeError     = "error"
)

const localDuplicate = "webhook_duplicate"

// markDuplicate tells the webhook counter that an accepted request was a
// provider's retry of a message already stored.
func markDuplicate(c *fiber.Ctx, dup bool) {
	if dup {
		c.Locals(localDuplicate, true)
	}
}

// observability holds the server's Prometheus registry. Each Server has its
// own, so tests can run many side by side.
type observability struct {
	s        *Server
	reg      *prometheus.Registry
	webhooks *prometheus.CounterVec
	panics   prometheus.Counter
	// shed counts requests refused with 503 by the load shedder (shed.go),
	// by tier; limited counts 429s from the per-address and per-contact
	// limits (ratelimit.go), by what was limited.
	shed    *prometheus.CounterVec
	limited *prometheus.CounterVec
	handler fiber.Handler
}

func newObservability(s *Server) *observability {
	o := &observability{s: s, reg: prometheus.NewRegistry()}
	o.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotline_webhooks_total",
		Help: "Webhook and form posts by channel and outcome (accepted, duplicate, forged, invalid, limited, error).",
	}, []string{"channel", "outcome"})
	o.panics = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hotline_handler_panics_total",
		Help: "Handler panics recovered (each answered 500).",
	})
	o.shed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotline_shed_total",
		Help: "Requests refused with 503 and Retry-After because the writer's backlog was over the tier's threshold (public: form and API; provider: webhooks and acknowledgement links).",
	}, []string{"tier"})
	o.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotline_rate_limited_total",
		Help: "Requests answered 429 by a per-address limit (api, ack, forged_webhook).",
	}, []string{"limit"})
	o.reg.MustRegister(o.webhooks, o.panics, o.shed, o.limited,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	o.handler = adaptor.HTTPHandler(promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{}))
	return o
}

// guard lets /metrics be read from this machine (a scraper beside the
// server) or with the metrics token. The numbers are operational, but they
// tell an outsider how busy the hotline is and when nobody is answering.
func (o *observability) guard(c *fiber.Ctx) error {
	if tok := o.s.cfg.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if ok && subtle.ConstantTimeCompare([]byte(got), []byte(tok)) == 1 {
			return c.Next()
		}
	}
	// The socket's peer, not c.IP(): a forwarded-for header is the
	// client's say-so. A request that came through a proxy on this
	// machine is not local, whatever the socket says.
	if c.Context().RemoteIP().IsLoopback() && c.Get(fiber.HeaderXForwardedFor) == "" && c.Get("Forwarded") == "" {
		return c.Next()
	}
	return c.Status(fiber.StatusForbidden).SendString("metrics are readable from this machine or with the metrics token")
}

// webhookChannels label the public routes that take messages.
func webhookChannel(c *fiber.Ctx) string {
	p := c.Path()
	switch {
	case c.Method() != fiber.MethodPost:
		return ""
	case p == "/":
		return "webform"
	case strings.HasPrefix(p, "/webhooks/"):
		return strings.ReplaceAll(strings.TrimPrefix(p, "/webhooks/"), "/", "_")
	}
	return ""
}

// countWebhooks counts every webhook and form post by its outcome.
func (o *observability) countWebhooks(c *fiber.Ctx) error {
	ch := webhookChannel(c)
	if ch == "" {
		return c.Next()
	}
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = fiber.StatusInternalServerError
		if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		} else if code := hotline.ErrorCode(err); code != hotline.EINTERNAL {
			status = statusFor(code)
		}
	}
	if status == fiber.StatusNotFound || status == fiber.StatusMethodNotAllowed {
		return err // not a route: no label for whatever path a scanner tries
	}
	o.webhooks.WithLabelValues(ch, outcomeOf(c, status)).Inc()
	return err
}

func outcomeOf(c *fiber.Ctx, status int) string {
	switch {
	case status < 300:
		if dup, _ := c.Locals(localDuplicate).(bool); dup {
			return outcomeDuplicate
		}
		return outcomeAccepted
	case status == fiber.StatusUnauthorized || status == fiber.StatusForbidden:
		return outcomeForged
	case status == fiber.StatusTooManyRequests || status == fiber.StatusServiceUnavailable:
		return outcomeLimited
	case status < 500:
		return outcomeInvalid
	}
	return outcomeError
}

// watchBacklog exports the number the load shedder decides on.
func (o *observability) watchBacklog(backlog func() int) {
	o.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hotline_shed_backlog",
		Help: "Write requests admitted and not yet answered, or units waiting for the writer, whichever is larger: what the load shedder compares with its thresholds.",
	}, func() float64 { return float64(backlog()) }))
}

// RegisterMetrics adds collectors to /metrics, such as the store's
// (internal/storemetrics), which the server does not know.
func (s *Server) RegisterMetrics(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := s.obs.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
