package server

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/channels/webform"
	"hotline/locales"
)

// ShedConfig says when the server turns work away with 503 and
// Retry-After instead of queueing it behind a database that is falling
// behind. The backlog it compares against is the larger of the units
// waiting for the store's writer and the write requests this server has
// admitted and not yet answered (those include callers blocked because the
// writer's queue is full, which the queue length alone cannot show).
//
// Shedding happens before a request's work is handed to the writer, so a
// shed request has stored nothing and an admitted one is never dropped: it
// is answered after its commit, as always.
type ShedConfig struct {
	// Public is the backlog at which the public form's posts and the JSON
	// API are refused. A family member can press Send again; an API client
	// can poll later. Default DefaultShedPublic; negative turns it off.
	Public int
	// Provider is the hard limit at which provider webhooks (Twilio,
	// Telegram) and responders' acknowledgement links are refused too.
	// Providers retry less reliably than people, so they get the headroom
	// between Public and Provider to themselves. Default DefaultShedProvider;
	// negative turns it off.
	Provider int
	// RetryAfter is the wait the 503 asks for. Default DefaultShedRetryAfter.
	RetryAfter time.Duration
}

// Shedding defaults. The writer commits up to 256 units per transaction;
// at 1,000 webhooks/s with commits of a few milliseconds the backlog stays
// in the tens. 256 (one full batch still waiting) is the writer clearly
// falling behind; 2,048 is about two seconds of a 1,000/s flood queued, far
// below the 15 s after which Twilio gives up on a webhook.
const (
	DefaultShedPublic     = 256
	DefaultShedProvider   = 2048
	DefaultShedRetryAfter = 10 * time.Second
)

// Shed tiers, also the label of hotline_shed_total.
const (
	tierPublic   = "public"   // form posts, JSON API
	tierProvider = "provider" // webhooks, acknowledgement links
)

// writerQueue is the store's count of units waiting for its writer
// (*store.DB implements it); without it only the server's own count is used.
type writerQueue interface {
	WriterQueue() int
}

// shedder admits or refuses write requests by the backlog.
type shedder struct {
	s          *Server
	public     int
	provider   int
	retryAfter string
	queue      writerQueue
	inflight   atomic.Int64
}

func newShedder(s *Server) *shedder {
	cfg := s.cfg.Shed
	sh := &shedder{s: s, public: cfg.Public, provider: cfg.Provider}
	if sh.public == 0 {
		sh.public = DefaultShedPublic
	}
	if sh.provider == 0 {
		sh.provider = DefaultShedProvider
	}
	ra := cfg.RetryAfter
	if ra <= 0 {
		ra = DefaultShedRetryAfter
	}
	sh.retryAfter = strconv.Itoa(int((ra + time.Second - 1) / time.Second))
	if q, ok := s.deps.DB.(writerQueue); ok {
		sh.queue = q
	} else if q, ok := s.deps.Cases.(writerQueue); ok {
		sh.queue = q
	}
	s.obs.watchBacklog(sh.backlog)
	return sh
}

// tier says which requests may be shed, and how early. Never shed: health
// checks and metrics (they are how an operator sees the overload), static
// files and the form page itself (they write nothing), and the console:
// staff are few, and they are the ones who must get through a flood.
func tier(c *fiber.Ctx) string {
	p := c.Path()
	switch {
	case strings.HasPrefix(p, "/webhooks/"):
		if c.Method() == fiber.MethodPost {
			return tierProvider
		}
	case strings.HasPrefix(p, "/ack/"):
		// A responder acknowledging a critical case stops its escalation:
		// as precious as a webhook.
		if c.Method() == fiber.MethodPost {
			return tierProvider
		}
	case p == "/":
		if c.Method() == fiber.MethodPost {
			return tierPublic
		}
	case p == "/api/v1" || strings.HasPrefix(p, "/api/v1/"):
		// Reads, but each case read writes its audit event.
		return tierPublic
	}
	return ""
}

// backlog is the number the thresholds are compared with.
func (sh *shedder) backlog() int {
	n := int(sh.inflight.Load())
	if sh.queue != nil {
		n = max(n, sh.queue.WriterQueue())
	}
	return n
}

// handle is the middleware: refuse over the tier's threshold, else count
// the request as in flight until it is answered.
func (sh *shedder) handle(c *fiber.Ctx) error {
	t := tier(c)
	if t == "" {
		return c.Next()
	}
	limit := sh.public
	if t == tierProvider {
		limit = sh.provider
	}
	if limit >= 0 && sh.backlog() >= limit {
		return sh.refuse(c, t)
	}
	sh.inflight.Add(1)
	defer sh.inflight.Add(-1)
	return c.Next()
}

// refuse answers 503 with Retry-After. The form gets itself back with the
// person's text and a "not saved, send again" notice, so nothing typed is
// lost; everyone else gets a short JSON or text body.
func (sh *shedder) refuse(c *fiber.Ctx, t string) error {
	sh.s.obs.shed.WithLabelValues(t).Inc()
	c.Set(fiber.HeaderRetryAfter, sh.retryAfter)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if c.Path() == "/" && sh.s.form != nil {
		h := sh.s.form
		form := postedForm(c)
		lang := locales.Pick(form.Get(webform.FieldLang), c.Get(fiber.HeaderAcceptLanguage))
		return h.again(c, fiber.StatusServiceUnavailable, lang, form, nil, h.notice(lang, "error.server", nil))
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"error": "busy, try again shortly"})
	}
	return c.Status(fiber.StatusServiceUnavailable).SendString("busy, try again shortly")
}
