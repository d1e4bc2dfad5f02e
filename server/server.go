// Package server is Hotline's HTTP face: the provider webhooks, the public
// form, the JSON API and health checks, on one Fiber app. Handlers turn HTTP
// into calls on the intake pipeline and the stores and back; they hold no
// business rules of their own.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/channels/twilio"
)

// Intake is the pipeline a channel hands a normalized message to. Receive
// returns only after the message is durable.
type Intake interface {
	Receive(ctx context.Context, in hotline.Inbound) (hotline.Receipt, error)
	RecordDeliveryStatus(ctx context.Context, ch hotline.Channel, externalID, status, errorCode string) error
}

// Pinger answers whether the database is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is what the server needs to know about the world outside.
type Config struct {
	// PublicURL is the scheme and host the outside world calls, e.g.
	// https://hotline.example.org; Twilio signs requests against it plus
	// the request path.
	PublicURL string

	TwilioAccountSID string
	TwilioAuthToken  string

	// Evidence holds the fetched media files (package evidence); nil, the
	// case page lists evidence without download links.
	Evidence EvidenceFiles

	// TelegramSecretToken is the secret given to setWebhook; Telegram sends
	// it back in every webhook. Empty refuses the Telegram webhook.
	TelegramSecretToken string

	// VoiceDir holds an admin's Khmer voice prompts (km/*.mp3), which win
	// over the embedded placeholders. Empty uses the embedded ones.
	VoiceDir string

	// FormSecret keys the public form's anti-forgery tokens. Empty means a
	// random key per process (tokens then do not survive a restart).
	FormSecret []byte

	// BodyLimit caps request bodies in bytes; larger bodies get 413.
	BodyLimit int

	// CallerKey seals a voice caller's number in the callback URLs of the
	// call, so that it never appears in a URL. Empty means a random key
	// per process (a call in progress across a restart lands anonymous).
	CallerKey []byte

	// AckKey signs the acknowledgement links in responder notifications;
	// empty, /ack/ is not served.
	AckKey []byte

	// TrustedProxies are the addresses (or CIDR ranges) of reverse proxies
	// whose X-Forwarded-For is believed. Without them, every visitor behind a
	// proxy would share one rate-limit budget; with a wrong list, anyone
	// could pick their own address.
	TrustedProxies []string

	// MetricsToken, when set, lets /metrics be read from elsewhere than
	// this machine with "Authorization: Bearer <token>".
	MetricsToken string

	Shed       ShedConfig      // load shedding thresholds (shed.go)
	RateLimits RateLimitConfig // per-address limits (ratelimit.go)
}

// Deps are the services the handlers call.
type Deps struct {
	Intake Intake
	Cases  hotline.CaseStore
	Users  hotline.UserStore
	DB     Pinger
	Log    *slog.Logger
}

// Server is the HTTP application.
type Server struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	app  *fiber.App
	form *formHandler

	access accessRecorder // audit_reads.go
	obs    *observability // metrics.go
	panics atomic.Int64   // security.go

	// twilioSig checks X-Twilio-Signature; built once, not per webhook.
	twilioSig *twilio.Verifier
	// callers seals the caller's number in voice callback URLs.
	callers *twilio.CallerSealer
}

// DefaultBodyLimit is large enough for any webhook or form Hotline accepts
// and small enough that a flood of large bodies cannot exhaust memory.
const DefaultBodyLimit = 256 << 10

// New builds the app and its routes.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Log, twilioSig: twilio.NewVerifier(cfg.TwilioAuthToken),
		callers: twilio.NewCallerSealer(cfg.CallerKey)}
	fcfg := fiber.Config{
		// Fiber reuses request buffers after a handler returns; values we
		// keep (message bodies handed to the writer goroutine) must be copies.
		Immutable:             true,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          15 * time.Second,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
	}
	if len(cfg.TrustedProxies) > 0 {
		fcfg.ProxyHeader = fiber.HeaderXForwardedFor
		fcfg.EnableTrustedProxyCheck = true
		fcfg.TrustedProxies = cfg.TrustedProxies
	}
	s.limits(&fcfg)
	s.app = fiber.New(fcfg)
	if err := s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) routes() error {
	s.harden()
	s.app.Get("/healthz", s.handleHealth)

	s.app.Post("/webhooks/twilio/messages", s.handleTwilioMessage)
	s.app.Post("/webhooks/twilio/status", s.handleTwilioStatus)
	s.app.Post("/webhooks/telegram", s.handleTelegram)
	s.registerVoice()

	api := s.app.Group("/api/v1", s.requireToken)
	api.Get("/cases", s.handleAPICaseList)
	api.Get("/cases/:id", s.handleAPICaseGet)

	s.registerAck()
	if err := s.registerConsole(); err != nil {
		return err
	}
	return s.registerForm()
}

// App exposes the Fiber app for tests that use app.Test.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for in-flight requests,
// so that every request already being committed gets its answer.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// handleError turns errors into responses. Domain errors map by code;
// anything else is a 500 whose detail goes to the log, not the client.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return c.Status(fe.Code).JSON(fiber.Map{"error": fe.Message})
	}
	code := hotline.ErrorCode(err)
	status := statusFor(code)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	return c.Status(status).JSON(fiber.Map{"error": hotline.ErrorMessage(err), "code": code})
}

func statusFor(code string) int {
	switch code {
	case hotline.EINVALID:
		return fiber.StatusBadRequest
	case hotline.ENOTFOUND:
		return fiber.StatusNotFound
	case hotline.ECONFLICT:
		return fiber.StatusConflict
	case hotline.EUNAUTHORIZED:
		return fiber.StatusUnauthorized
	}
	return fiber.StatusInternalServerError
}
