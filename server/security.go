package server

import (
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// The security headers every response carries, in one place. Pages may
// narrow them (the form's Permissions-Policy) but never loosen them.
const (
	// securityCSP allows this site only, no inline script or style, no
	// framing: a page a trafficker can embed or inject into is a page that
	// can watch the person typing.
	securityCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
	// hstsValue is sent only when the public URL is https.
	hstsValue = "max-age=63072000; includeSubDomains"
)

// Request limits beyond the body size (fiber.Config.BodyLimit).
const (
	// maxHeaderBytes bounds the request line and headers together; larger
	// requests get 431 from the HTTP layer before any handler runs.
	maxHeaderBytes = 8 << 10
	// maxFields bounds form fields and query parameters. Twilio sends
	// about thirty; thousands of tiny fields are a way to burn CPU in the
	// signature check.
	maxFields = 200
)

// webhookTypes are the only content types each provider sends.
var webhookTypes = map[string]string{
	"/webhooks/twilio/":  "application/x-www-form-urlencoded",
	"/webhooks/telegram": "application/json",
}

// limits applies the HTTP layer's limits to the Fiber configuration.
func (s *Server) limits(cfg *fiber.Config) {
	cfg.ReadBufferSize = maxHeaderBytes
}

// harden registers, before every route, the middleware every request goes
// through: panic recovery, security headers, field and content-type
// limits, metrics and the audit of case reads.
func (s *Server) harden() {
	s.access, _ = s.deps.Cases.(accessRecorder)
	if s.access == nil {
		s.log.Warn("case reads are not audited: the case store cannot record them")
	}
	s.obs = newObservability(s)
	s.app.Use(recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.panics.Add(1)
			s.obs.panics.Inc()
			s.log.Error("handler panicked", "method", c.Method(), "path", c.Path(), "panic", e)
		},
	}))
	hsts := strings.HasPrefix(strings.ToLower(s.cfg.PublicURL), "https://")
	headers := helmet.New(helmet.Config{
		ContentSecurityPolicy:     securityCSP,
		ReferrerPolicy:            "no-referrer",
		XFrameOptions:             "DENY",
		CrossOriginEmbedderPolicy: "require-corp",
		CrossOriginOpenerPolicy:   "same-origin",
		CrossOriginResourcePolicy: "same-origin",
		PermissionPolicy:          "camera=(), microphone=(), payment=(), usb=()",
	})
	s.app.Use(func(c *fiber.Ctx) error {
		if hsts {
			c.Set(fiber.HeaderStrictTransportSecurity, hstsValue)
		}
		return headers(c)
	})
	s.app.Use(s.checkFields, s.checkContentType, s.obs.countWebhooks, s.rateLimits(), newShedder(s).handle, s.auditReads)
	s.app.Get("/metrics", s.obs.guard, s.obs.handler)
}

// checkFields refuses requests with more query or form fields than any
// client of Hotline sends.
func (s *Server) checkFields(c *fiber.Ctx) error {
	if c.Request().URI().QueryArgs().Len() > maxFields {
		return fiber.NewError(fiber.StatusBadRequest, "too many query parameters")
	}
	if c.Method() == fiber.MethodPost && strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationForm) {
		if c.Request().PostArgs().Len() > maxFields {
			return fiber.NewError(fiber.StatusBadRequest, "too many form fields")
		}
	}
	return c.Next()
}

// checkContentType answers 415 to a webhook whose body is not what its
// provider sends, before anything parses it.
func (s *Server) checkContentType(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	for prefix, want := range webhookTypes {
		if c.Path() == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(c.Path(), prefix) {
			mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
			if err != nil || mt != want {
				return fiber.NewError(fiber.StatusUnsupportedMediaType, "content type must be "+want)
			}
			break
		}
	}
	return c.Next()
}

// Panics reports how many handler panics were recovered since New.
func (s *Server) Panics() int64 { return s.panics.Load() }
