package server

import (
	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"hotline/locales"
)

// minPasswordLen follows NIST 800-63B, like the CLI: length, no composition rules.
const minPasswordLen = 12

// account serves GET /console/account: language and password. Accounts
// and organisations are on the admin page.
func (h *console) account(c *fiber.Ctx) error {
	s := session(c)
	p := h.page(c, s, "console.account.title")
	return h.render(c, fiber.StatusOK, "account", p)
}

func (h *console) accountError(c *fiber.Ctx, status int, id string) error {
	p := h.page(c, session(c), "console.account.title")
	p.Error = p.T(id)
	return h.render(c, status, "account", p)
}

// changePassword serves POST /console/account/password. The current
// password is asked again so that an unlocked, unattended screen is not
// enough to take the account.
func (h *console) changePassword(c *fiber.Ctx) error {
	s := session(c)
	ctx := c.UserContext()
	_, hash, _, err := h.db.StaffByName(ctx, s.Staff.Name)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(c.FormValue("current"))) != nil {
		return h.accountError(c, fiber.StatusBadRequest, "console.account.wrong_current")
	}
	pw := c.FormValue("new")
	if len([]rune(pw)) < minPasswordLen {
		return h.accountError(c, fiber.StatusBadRequest, "console.account.too_short")
	}
	if pw != c.FormValue("confirm") {
		return h.accountError(c, fiber.StatusBadRequest, "console.account.mismatch")
	}
	nh, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	tok, _ := c.Locals(localToken).(string)
	if err := h.db.SetPassword(ctx, s.Staff.ID, string(nh), tok); err != nil {
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
