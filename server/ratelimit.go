package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"hotline/internal/window"
)

// RateLimitConfig caps requests per address on the public routes that the
// form's and the login's own limits do not cover. Zero means the default;
// a negative Max turns that limit off.
//
// The provider webhooks have no per-address limit on what they accept:
// Twilio and Telegram call from their own few addresses, so such a limit
// would throttle the provider, not a flood (the per-contact limit on
// automatic replies is in intake). What is limited there is failure: an
// address whose webhooks keep failing the signature or secret check is a
// forger probing, and its failures are answered 429 with Retry-After.
type RateLimitConfig struct {
	// APIMax requests per minute per address to /api/v1. A tool paging
	// through the queue at 500 a page stays far below the default.
	APIMax int
	// AckMax requests per AckWindow per address to /ack/. A responder
	// opens a link and presses one button; guessing links is what this
	// stops (they are signed, but a guess still costs a check and a read).
	AckMax    int
	AckWindow time.Duration
	// ForgedMax webhooks per minute per address may fail their signature
	// or secret check; after that its failures get 429 until the minute is
	// over. Correctly signed webhooks are always taken, so a forger behind
	// the same proxy as the provider cannot block it; still, behind a
	// reverse proxy set Config.TrustedProxies so the count is per caller.
	ForgedMax int
}

// Rate limit defaults.
const (
	DefaultAPIMax    = 300
	DefaultAckMax    = 30
	DefaultAckWindow = 10 * time.Minute
	DefaultForgedMax = 20
	forgedWindow     = time.Minute
	apiWindow        = time.Minute
)

// rateLimits returns the one middleware that applies the per-address
// limits by path, registered before every route (harden).
func (s *Server) rateLimits() fiber.Handler {
	cfg := s.cfg.RateLimits
	apiMax := orDefault(cfg.APIMax, DefaultAPIMax)
	ackMax := orDefault(cfg.AckMax, DefaultAckMax)
	ackWindow := cfg.AckWindow
	if ackWindow <= 0 {
		ackWindow = DefaultAckWindow
	}
	pass := func(c *fiber.Ctx) error { return c.Next() }
	api, ack, forged := pass, pass, pass
	if apiMax > 0 {
		api = limiter.New(limiter.Config{
			Max: apiMax, Expiration: apiWindow,
			LimitReached: func(c *fiber.Ctx) error {
				s.obs.limited.WithLabelValues("api").Inc()
				return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{"error": "too many requests"})
			},
		})
	}
	if ackMax > 0 {
		ack = limiter.New(limiter.Config{
			Max: ackMax, Expiration: ackWindow,
			LimitReached: func(c *fiber.Ctx) error {
				s.obs.limited.WithLabelValues("ack").Inc()
				return c.Status(fiber.StatusTooManyRequests).SendString("too many requests")
			},
		})
	}
	if n := orDefault(cfg.ForgedMax, DefaultForgedMax); n > 0 {
		forged = s.limitForgers(window.New[string](n, forgedWindow))
	}
	return func(c *fiber.Ctx) error {
		p := c.Path()
		switch {
		case p == "/api/v1" || strings.HasPrefix(p, "/api/v1/"):
			return api(c)
		case strings.HasPrefix(p, "/ack/"):
			return ack(c)
		case strings.HasPrefix(p, "/webhooks/"):
			return forged(c)
		}
		return c.Next()
	}
}

func orDefault(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// limitForgers answers 429 instead of 403 to an address that has failed
// too many signature or secret checks (401 and 403: the webhooks answer 403
// to a bad signature, a bad secret or an account that is not ours). Every
// request is still checked: a correctly signed webhook from a blocked
// address is taken as usual, because behind a misconfigured proxy the
// provider shares the forger's address, and a victim's message refused
// there would be lost (Twilio does not retry an inbound message). Other
// errors are not counted: a 5xx or a 503 from the load shedder comes from
// our side.
func (s *Server) limitForgers(failures *window.Counter[string]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		st := c.Response().StatusCode()
		if fe, ok := err.(*fiber.Error); ok {
			st = fe.Code
		} else if err != nil {
			return err
		}
		if st != fiber.StatusUnauthorized && st != fiber.StatusForbidden {
			return err
		}
		ip := c.IP()
		now := time.Now()
		wait, blocked := failures.Full(ip, now)
		failures.Add(ip, now)
		if blocked {
			s.obs.limited.WithLabelValues("forged_webhook").Inc()
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			return c.Status(fiber.StatusTooManyRequests).SendString("too many failed requests")
		}
		return err
	}
}
