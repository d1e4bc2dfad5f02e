package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/locales"
	"hotline/templates"
)

// consoleStore is what the staff console needs from storage beyond
// hotline.CaseStore. The SQLite store implements it; registerConsole finds
// it on Deps.Cases so that Deps stays as it is.
type consoleStore interface {
	hotline.CaseStore
	Queue(ctx context.Context, f hotline.CaseFilter) (hotline.CasePage, error)
	CaseDetail(ctx context.Context, id int64) (*hotline.Case, error)
	UrgencyCounts(ctx context.Context, f hotline.CaseFilter) (map[hotline.Urgency]int, error)
	ChangedSince(ctx context.Context, mark hotline.ChangeMark, limit int) ([]int64, hotline.ChangeMark, error)
	LastChange(ctx context.Context) (hotline.ChangeMark, error)
	Handoffs(ctx context.Context, caseID int64) ([]hotline.Handoff, error)
	Notes(ctx context.Context, caseID int64) ([]hotline.Note, error)
	CaseAudit(ctx context.Context, caseID int64) ([]hotline.AuditEvent, error)
	HandedTo(ctx context.Context, caseID, orgID int64) (bool, error)
	ContactState(ctx context.Context, caseID int64) (bool, time.Time, error)

	AssignCase(ctx context.Context, actor hotline.Staff, caseID, assignee int64) error
	SetStatus(ctx context.Context, actor hotline.Staff, caseID int64, to, resolution, reason string) error
	OverrideUrgency(ctx context.Context, actor hotline.Staff, caseID int64, u hotline.Urgency, reason string) error
	AddNote(ctx context.Context, actor hotline.Staff, caseID int64, body string) error
	QueueReply(ctx context.Context, actor hotline.Staff, r hotline.ReplyRequest) (int64, error)
	HandOff(ctx context.Context, actor hotline.Staff, caseID, orgID int64, shared []string, note string) (int64, error)
	AcknowledgeHandoffs(ctx context.Context, actor hotline.Staff, caseID int64) error
	MergeCases(ctx context.Context, actor hotline.Staff, keep, dup int64) error

	CreateSession(ctx context.Context, userID int64) (string, error)
	SessionByToken(ctx context.Context, token string) (hotline.Session, error)
	DeleteSession(ctx context.Context, token string) error
	StaffByName(ctx context.Context, name string) (hotline.Staff, string, time.Time, error)
	ListStaff(ctx context.Context) ([]hotline.Staff, error)
	LoginFailed(ctx context.Context, name string) (time.Time, error)
	LoginSucceeded(ctx context.Context, userID int64) error
	SetPassword(ctx context.Context, userID int64, hash, keepSessionToken string) error
	SetLang(ctx context.Context, userID int64, lang string) error
	Organisations(ctx context.Context) ([]hotline.Organisation, error)
}

// consoleCSP allows this site only; the live queue's EventSource and
// fetch need connect-src.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

const (
	sessionCookie = "hotline_session"
	localSession  = "session"
	localToken    = "session_token"
)

// console serves the staff console under /console.
type console struct {
	s      *Server
	db     consoleStore
	now    func() time.Time
	secure bool // cookies get Secure when the console is served over HTTPS
	hub    *hub
	window time.Duration
}

func (s *Server) registerConsole() error {
	db, ok := s.deps.Cases.(consoleStore)
	if !ok {
		return errors.New("server: the case store does not support the console")
	}
	h := &console{
		s: s, db: db, now: time.Now,
		secure: strings.HasPrefix(strings.ToLower(s.cfg.PublicURL), "https://"),
		window: hotline.DefaultReplyWindow,
	}
	h.hub = newHub(db, s.log)

	g := s.app.Group("/console", consoleHeaders)
	g.Get("/login", h.loginForm)
	g.Post("/login", h.loginLimiter(), h.login)
	g.Post("/logout", h.auth, h.checkCSRF, h.logout)
	g.Get("/", h.auth, h.queue)
	g.Get("/events", h.auth, h.events)
	g.Get("/map.svg", h.auth, h.mapSVG)
	g.Get("/account", h.auth, h.account)
	g.Post("/account/password", h.auth, h.checkCSRF, h.changePassword)
	g.Post("/account/lang", h.auth, h.checkCSRF, h.setLang)
	g.Get("/cases/:id", h.auth, h.caseWithLinks)
	g.Get("/cases/:id/events", h.auth, h.caseEvents)
	g.Get("/cases/:id/evidence/:eid", h.auth, h.evidenceDownload)
	staff := []fiber.Handler{h.auth, h.checkCSRF, h.staffOnly}
	g.Post("/cases/:id/assign", append(staff, h.assign)...)
	g.Post("/cases/:id/status", append(staff, h.status)...)
	g.Post("/cases/:id/urgency", append(staff, h.urgency)...)
	g.Post("/cases/:id/note", append(staff, h.note)...)
	g.Post("/cases/:id/reply", append(staff, h.reply)...)
	g.Post("/cases/:id/handoff", append(staff, h.handoff)...)
	g.Post("/cases/:id/merge", append(staff, h.merge)...)
	g.Post("/cases/:id/ack", h.auth, h.checkCSRF, h.acknowledge)
	h.registerAdmin(g)
	h.registerAccountSecurity(g) // console_account_sessions.go
	h.registerHandoff(g)
	h.registerTaskForce(g)
	return nil
}

func consoleHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, consoleCSP)
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

// auth loads the session of the cookie; without one, pages send the browser
// to the login form and everything else is refused.
func (h *console) auth(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	sess, err := h.db.SessionByToken(c.UserContext(), token)
	if err != nil {
		if hotline.ErrorCode(err) != hotline.EUNAUTHORIZED {
			return err
		}
		if c.Method() == fiber.MethodGet && !strings.HasSuffix(c.Path(), "/events") {
			return c.Redirect("/console/login?next="+safeNext(c.OriginalURL()), fiber.StatusSeeOther)
		}
		return h.fail(c, nil, fiber.StatusUnauthorized, "console.error.login_needed")
	}
	c.Locals(localSession, &sess)
	c.Locals(localToken, token)
	return h.afterAuth(c, token) // console_account_guard.go: a required password change
}

func session(c *fiber.Ctx) *hotline.Session {
	s, _ := c.Locals(localSession).(*hotline.Session)
	return s
}

// staffOnly refuses responders: they see what is handed to them and change
// nothing but their acknowledgement.
func (h *console) staffOnly(c *fiber.Ctx) error {
	if r := session(c).Staff.Role; r != hotline.RoleAdmin && r != hotline.RoleAgent {
		return h.fail(c, session(c), fiber.StatusForbidden, "console.error.forbidden")
	}
	return c.Next()
}

// langOf is the console language: the user's choice, else the browser's.
func (h *console) langOf(c *fiber.Ctx, s *hotline.Session) string {
	if s != nil && locales.IsSupported(s.Staff.Lang) {
		return s.Staff.Lang
	}
	// "ui", not "lang": on the queue, lang filters cases by their language.
	return locales.Pick(c.Query("ui"), c.Get(fiber.HeaderAcceptLanguage))
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(u string) string {
	if !strings.HasPrefix(u, "/console") || strings.HasPrefix(u, "//") || strings.Contains(u, "\\") {
		return "/console"
	}
	return u
}

// fail answers with an error page in the user's language.
func (h *console) fail(c *fiber.Ctx, s *hotline.Session, status int, id string) error {
	p := h.page(c, s, id)
	p.Error = p.T(id)
	return h.render(c, status, "error", p)
}

func (h *console) render(c *fiber.Ctx, status int, name string, p *consolePage) error {
	c.Status(status)
	c.Type("html", "utf-8")
	return templates.RenderConsole(c.Response().BodyWriter(), name, p)
}
