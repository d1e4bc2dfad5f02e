package server

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"hotline/internal/password"
	"hotline/locales"
	"hotline/templates"
)

// accountPage is the account page's data: every console page's, plus the
// account's own security.
type accountPage struct {
	*consolePage
	Account *accountView
}

type accountView struct {
	MustChange bool // logged in with a one-time password: change it first
	MinLength  int
	Sessions   []sessionRow // the user's live sessions, newest first
	Others     int          // how many of them are not this one
	TOTP       *totpView    // the second factor; nil when the store has none
}

// account serves GET /console/account: language, password, and with them
// the account's security.
func (h *console) account(c *fiber.Ctx) error {
	return h.showAccount(c, fiber.StatusOK, "")
}

func (h *console) accountError(c *fiber.Ctx, status int, id string) error {
	return h.showAccount(c, status, id)
}

// showAccount renders the account page, with the error errID when not "".
func (h *console) showAccount(c *fiber.Ctx, status int, errID string) error {
	return h.showAccountWith(c, status, func(p *consolePage) {
		if errID != "" {
			p.Error = p.T(errID)
		}
	})
}

// accountLocked answers a guess on the account page while the account is
// locked, saying for how long.
func (h *console) accountLocked(c *fiber.Ctx, until time.Time) error {
	return h.showAccountWith(c, fiber.StatusTooManyRequests, func(p *consolePage) {
		p.Error = p.TM("console.login.locked", minutesUntil(h.now(), until))
	})
}

func (h *console) showAccountWith(c *fiber.Ctx, status int, edit func(p *consolePage)) error {
	s := session(c)
	p := h.page(c, s, "console.account.title")
	edit(p)
	if f := accountFlashes[c.Query("ok")]; f != "" {
		p.Flash = p.T(f)
	}
	v := &accountView{MinLength: password.MinLength}
	if db, ok := h.accountDB(); ok {
		tok, _ := c.Locals(localToken).(string)
		_, _, must, err := db.SessionState(c.UserContext(), tok)
		if err != nil {
			return err
		}
		v.MustChange = must
		if err := h.loadSessions(c, p, db, v); err != nil {
			return err
		}
		if err := h.loadTOTP(c, v); err != nil {
			return err
		}
	}
	return h.renderWith(c, status, "account", p.with(v))
}

// accountFlashes are the confirmations a redirect to the account page may
// ask for with ?ok=.
var accountFlashes = map[string]string{
	"revoked":        "account.done.revoked",
	"revoked_others": "account.done.revoked_others",
	"totp_on":        "account.totp.done_on",
	"totp_off":       "account.totp.done_off",
}

func (p *consolePage) with(v *accountView) *accountPage {
	return &accountPage{consolePage: p, Account: v}
}

// renderWith is render for a page whose data carries more than consolePage.
func (h *console) renderWith(c *fiber.Ctx, status int, name string, data any) error {
	c.Status(status)
	c.Type("html", "utf-8")
	return templates.RenderConsole(c.Response().BodyWriter(), name, data)
}

// changePassword serves POST /console/account/password. The current
// password is asked again so that an unlocked, unattended screen is not
// enough to take the account.
func (h *console) changePassword(c *fiber.Ctx) error {
	s := session(c)
	ctx := c.UserContext()
	_, hash, lockedUntil, err := h.db.StaffByName(ctx, s.Staff.Name)
	if err != nil {
		return err
	}
	if lockedUntil.After(h.now()) {
		return h.accountLocked(c, lockedUntil)
	}
	if !password.Compare(hash, c.FormValue("current")) {
		// A guess from an open session counts like one at the login form.
		if _, err := h.db.LoginFailed(ctx, s.Staff.Name); err != nil {
			return err
		}
		return h.accountError(c, fiber.StatusBadRequest, "console.account.wrong_current")
	}
	pw := c.FormValue("new")
	if err := password.Check(pw, s.Staff.Name); err != nil {
		return h.accountError(c, fiber.StatusBadRequest, password.ID(err))
	}
	if password.Normalize(pw) != password.Normalize(c.FormValue("confirm")) {
		return h.accountError(c, fiber.StatusBadRequest, "console.account.mismatch")
	}
	nh, err := password.Hash(pw, bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	tok, _ := c.Locals(localToken).(string)
	if db, ok := h.accountDB(); ok {
		err = db.ChangeOwnPassword(ctx, s.Staff.ID, nh, tok)
	} else {
		err = h.db.SetPassword(ctx, s.Staff.ID, nh, tok)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/console/account?done=password", fiber.StatusSeeOther)
}

// setLang serves POST /console/account/lang.
func (h *console) setLang(c *fiber.Ctx) error {
	lang := c.FormValue("lang")
	if !locales.IsSupported(lang) {
		return h.accountError(c, fiber.StatusBadRequest, "console.error.bad_form")
	}
	if err := h.db.SetLang(c.UserContext(), session(c).Staff.ID, lang); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("next")+"?done=lang"), fiber.StatusSeeOther)
}
