package server

import (
	"math"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"golang.org/x/crypto/bcrypt"

	"hotline"
	"hotline/internal/password"
)

// Login attempts allowed per address per window, on top of the per-account
// lockout in the store: the lockout stops guessing one password, this stops
// one address trying many accounts.
const (
	loginRateMax    = 20
	loginRateWindow = 10 * time.Minute
	loginCookie     = "hotline_login"
)

type loginView struct {
	Name, Next string
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

// dummy is compared against when the name is unknown, so that the answer
// takes as long as for a real account and does not reveal which names exist.
func dummy() []byte {
	dummyOnce.Do(func() { dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost) })
	return dummyHash
}

func (h *console) loginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        loginRateMax,
		Expiration: loginRateWindow,
		LimitReached: func(c *fiber.Ctx) error {
			return h.loginAgain(c, fiber.StatusTooManyRequests, "console.login.ratelimit", int(loginRateWindow.Minutes()))
		},
	})
}

// loginForm shows the form with a login CSRF token, kept in a cookie and
// in the form (double submit), since there is no session yet.
func (h *console) loginForm(c *fiber.Ctx) error {
	if _, err := h.db.SessionByToken(c.UserContext(), c.Cookies(sessionCookie)); err == nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.loginAgain(c, fiber.StatusOK, "", 0)
}

func (h *console) loginAgain(c *fiber.Ctx, status int, errID string, minutes int) error {
	tok, err := randomID()
	if err != nil {
		return err
	}
	h.setCookie(c, loginCookie, tok, time.Hour)
	p := h.page(c, nil, "console.login.title")
	p.CSRF = tok
	p.Login = &loginView{Name: c.FormValue("name"), Next: safeNext(c.Query("next", c.FormValue("next")))}
	if errID != "" {
		p.Error = p.TM(errID, minutes)
	}
	return h.render(c, status, "login", p)
}

func (h *console) login(c *fiber.Ctx) error {
	ck := c.Cookies(loginCookie)
	if ck == "" || c.FormValue("csrf") != ck {
		return h.loginAgain(c, fiber.StatusForbidden, "console.error.csrf", 0)
	}
	ctx := c.UserContext()
	name := strings.TrimSpace(c.FormValue("name"))
	pw := c.FormValue("password")
	st, hash, lockedUntil, err := h.db.StaffByName(ctx, name)
	if err != nil && hotline.ErrorCode(err) != hotline.ENOTFOUND {
		return err
	}
	if now := h.now(); lockedUntil.After(now) {
		return h.loginAgain(c, fiber.StatusTooManyRequests, "console.login.locked", minutesUntil(now, lockedUntil))
	}
	if err != nil || hash == "" {
		bcrypt.CompareHashAndPassword(dummy(), []byte(pw))
		return h.loginAgain(c, fiber.StatusUnauthorized, "console.login.wrong", 0)
	}
	if !password.Compare(hash, pw) {
		until, err := h.db.LoginFailed(ctx, name)
		if err != nil {
			return err
		}
		h.s.log.Warn("console login failed", "user_id", st.ID)
		if !until.IsZero() {
			return h.loginAgain(c, fiber.StatusTooManyRequests, "console.login.locked", minutesUntil(h.now(), until))
		}
		return h.loginAgain(c, fiber.StatusUnauthorized, "console.login.wrong", 0)
	}
	if db, ok := h.totpDB(); ok {
		if secret, err := db.TOTPSecret(ctx, st.ID); err != nil {
			return err
		} else if secret != "" {
			return h.askForCode(c, db, st.ID, safeNext(c.FormValue("next")))
		}
	}
	if err := h.db.LoginSucceeded(ctx, st.ID); err != nil {
		return err
	}
	if err := h.startSession(c, st.ID); err != nil {
		return err
	}
	c.ClearCookie(loginCookie)
	return c.Redirect(safeNext(c.FormValue("next")), fiber.StatusSeeOther)
}

func (h *console) logout(c *fiber.Ctx) error {
	tok, _ := c.Locals(localToken).(string)
	if err := h.db.DeleteSession(c.UserContext(), tok); err != nil {
		return err
	}
	h.setCookie(c, sessionCookie, "", -time.Hour)
	return c.Redirect("/console/login", fiber.StatusSeeOther)
}

func (h *console) setCookie(c *fiber.Ctx, name, value string, ttl time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/console",
		Expires:  h.now().Add(ttl),
		HTTPOnly: true, Secure: h.secure, SameSite: fiber.CookieSameSiteStrictMode,
	})
}

func minutesUntil(now, t time.Time) int {
	return max(1, int(math.Ceil(t.Sub(now).Minutes())))
}
