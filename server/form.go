package server

import (
	"crypto/rand"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"hotline"
	"hotline/channels/webform"
	"hotline/locales"
	"hotline/templates"
)

// Submissions allowed per address per window. A family member writing twice
// or fixing a mistake stays far below it; a script filling the queue does not.
const (
	formRateMax    = 10
	formRateWindow = 10 * time.Minute
)

// formCSP allows nothing but this site: no third-party script, style, font
// or frame can watch the person who writes.
const formCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// langNames label the language switcher, each in its own script, so that a
// person finds their language whatever the page is showing.
var langNames = map[string]string{"km": "ខ្មែរ", "ko": "한국어", "en": "English"}

// formFields are the fields a re-rendered form keeps, in page order; the
// error summary follows this order.
var formFields = []string{
	webform.FieldWhat, webform.FieldWhere, webform.FieldLocation, webform.FieldReporter,
	webform.FieldPersonName, webform.FieldNationality, webform.FieldContact, webform.FieldSafe,
}

// formHandler serves the public form. It sets no cookie at any point: a
// cookie is evidence on an inspected phone, and the signed token in the page
// does the anti-forgery work instead.
type formHandler struct {
	s      *Server
	tokens *webform.Tokens
	now    func() time.Time
}

func (s *Server) registerForm() error {
	h := &formHandler{s: s, tokens: webform.NewTokens(s.cfg.FormSecret), now: time.Now}
	s.form = h

	s.app.Use("/static", staticHeaders, filesystem.New(filesystem.Config{
		Root:   http.FS(templates.Static()),
		MaxAge: 365 * 24 * 3600, // asset URLs carry a content hash
	}))
	s.app.Get("/", formHeaders, h.show)
	s.app.Post("/", formHeaders, h.rejectCrossSite, limiter.New(limiter.Config{
		Max:          formRateMax,
		Expiration:   formRateWindow,
		LimitReached: h.limited,
	}), h.submit)
	return nil
}

func formHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, formCSP)
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	// Back after quick exit, or the next person on a shared phone, must
	// not find the page or what was typed in a cache.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPermissionsPolicy, "geolocation=(self), camera=(), microphone=()")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Vary(fiber.HeaderAcceptLanguage)
	return c.Next()
}

func staticHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Next()
}

// show serves an empty form with a fresh token.
func (h *formHandler) show(c *fiber.Ctx) error {
	lang := locales.Pick(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage))
	p := h.page(lang)
	p.Form = h.form(nil, nil, lang)
	return h.render(c, fiber.StatusOK, "form", p)
}

// rejectCrossSite refuses posts that the browser says came from another
// site, before they cost a token check or a place in the rate limit.
func (h *formHandler) rejectCrossSite(c *fiber.Ctx) error {
	if c.Get("Sec-Fetch-Site") != "cross-site" {
		return c.Next()
	}
	lang := locales.Pick(c.FormValue(webform.FieldLang), c.Get(fiber.HeaderAcceptLanguage))
	p := h.page(lang)
	p.Notice = h.notice(lang, "error.forbidden", nil)
	return h.render(c, fiber.StatusForbidden, "notice", p)
}

// limited answers a post over the rate limit. The limiter has already set
// Retry-After; the page says the same in words and keeps the text.
func (h *formHandler) limited(c *fiber.Ctx) error {
	form := postedForm(c)
	lang := locales.Pick(form.Get(webform.FieldLang), c.Get(fiber.HeaderAcceptLanguage))
	minutes := 1
	if secs, err := strconv.Atoi(string(c.Response().Header.Peek(fiber.HeaderRetryAfter))); err == nil && secs > 60 {
		minutes = int(math.Ceil(float64(secs) / 60))
	}
	h.s.log.Warn("web form rate limited")
	return h.again(c, fiber.StatusTooManyRequests, lang, form, nil,
		h.notice(lang, "error.ratelimit", map[string]any{"Minutes": minutes}))
}

// submit stores a submission and confirms it. The confirmation goes out only
// after Intake says the message is durable; every other outcome gives the
// person their text back.
func (h *formHandler) submit(c *fiber.Ctx) error {
	form := postedForm(c)
	lang := locales.Pick(form.Get(webform.FieldLang), c.Get(fiber.HeaderAcceptLanguage))

	nonce, err := h.tokens.Check(form.Get(webform.FieldToken), h.now())
	if err != nil {
		return h.again(c, fiber.StatusForbidden, lang, form, nil, h.notice(lang, "error.expired", nil))
	}
	if webform.Honeypot(form) != nil {
		// A normal-looking answer teaches a bot nothing.
		h.s.log.Info("web form honeypot filled")
		return h.done(c, lang, form, fakeRef())
	}
	in, errs := webform.Parse(form)
	if len(errs) > 0 {
		return h.again(c, fiber.StatusBadRequest, lang, form, errs, nil)
	}
	in = webform.WithNonce(in, nonce)
	in.ReceivedAt = h.now().UTC()

	rcpt, err := h.s.deps.Intake.Receive(c.UserContext(), in)
	if err != nil {
		// The error may quote what failed; neither body nor contact is in it.
		h.s.log.Error("web form not stored", "code", hotline.ErrorCode(err), "err", err)
		return h.again(c, fiber.StatusServiceUnavailable, lang, form, nil, h.notice(lang, "error.server", nil))
	}
	h.s.log.Info("web form received", "case", rcpt.CaseID, "message", rcpt.MessageID,
		"new_case", rcpt.NewCase, "duplicate", rcpt.Duplicate, "lang", lang)
	return h.done(c, lang, form, rcpt.CaseRef)
}

func (h *formHandler) done(c *fiber.Ctx, lang string, form url.Values, ref string) error {
	p := h.page(lang)
	p.Done = &templates.Done{
		Ref:     ref,
		Contact: form.Get(webform.FieldContact) != "",
		Safe:    form.Get(webform.FieldSafe),
	}
	return h.render(c, fiber.StatusOK, "done", p)
}

// again shows the form once more with everything the person typed and a
// fresh token, so that nothing they wrote is lost to an error of ours or theirs.
func (h *formHandler) again(c *fiber.Ctx, status int, lang string, form url.Values, errs webform.FieldErrors, n *templates.Notice) error {
	p := h.page(lang)
	p.Notice = n
	p.Form = h.form(form, errs, lang)
	return h.render(c, status, "form", p)
}

func (h *formHandler) page(lang string) templates.Page {
	p := templates.Page{
		Lang: lang,
		T:    func(id string) string { return locales.T(lang, id, nil) },
	}
	for _, l := range locales.Supported {
		p.Langs = append(p.Langs, templates.Lang{
			Code: l, Name: langNames[l], URL: "/?lang=" + l, Current: l == lang,
		})
	}
	return p
}

func (h *formHandler) form(form url.Values, errs webform.FieldErrors, lang string) *templates.Form {
	f := &templates.Form{
		Token:         h.tokens.Issue(h.now()),
		Values:        map[string]string{},
		Errors:        map[string]string{},
		Nationalities: webform.Nationalities,
	}
	for _, k := range []string{
		webform.FieldWhat, webform.FieldWhere, webform.FieldLat, webform.FieldLon, webform.FieldReporter,
		webform.FieldPersonName, webform.FieldNationality, webform.FieldContact, webform.FieldSafe,
	} {
		f.Values[k] = form.Get(k)
	}
	if _, bad := errs[webform.FieldLocation]; bad {
		// The point came from the browser, not the person; dropping it
		// lets them send again or share their location anew.
		f.Values[webform.FieldLat], f.Values[webform.FieldLon] = "", ""
	}
	for _, field := range formFields {
		if id, ok := errs[field]; ok {
			text := locales.T(lang, id, nil)
			f.Errors[field] = text
			f.ErrorList = append(f.ErrorList, templates.FieldError{Field: field, Text: text})
		}
	}
	return f
}

func (h *formHandler) notice(lang, id string, data map[string]any) *templates.Notice {
	return &templates.Notice{
		Title: locales.T(lang, id+".title", data),
		Body:  locales.T(lang, id+".body", data),
	}
}

func (h *formHandler) render(c *fiber.Ctx, status int, name string, p templates.Page) error {
	c.Status(status)
	c.Type("html", "utf-8")
	return templates.Render(c.Response().BodyWriter(), name, p)
}

// postedForm reads a url-encoded body. The copies matter: Fiber reuses the
// request buffer once the handler returns.
func postedForm(c *fiber.Ctx) url.Values {
	form := url.Values{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		form.Add(string(k), string(v))
	})
	return form
}

// refAlphabet matches the store's case references, so that a bot answered
// with a fake one cannot tell it from a real one.
const refAlphabet = "23456789ACDEFGHJKMNPQRTUVWXY"

func fakeRef() string {
	var b [6]byte
	rand.Read(b[:])
	out := make([]byte, 0, 7)
	for i, v := range b {
		if i == 3 {
			out = append(out, '-')
		}
		out = append(out, refAlphabet[int(v)%len(refAlphabet)])
	}
	return string(out)
}
