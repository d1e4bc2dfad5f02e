package server

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// sessionRow is one line of the account page's session list. The address
// is shown whole: the list is the owner's own, and an address they do not
// recognise is exactly what it is there to show.
type sessionRow struct {
	ID                int64
	Created, LastSeen string
	Address, Agent    string
	Current           bool
}

// loadSessions fills v with the user's live sessions.
func (h *console) loadSessions(c *fiber.Ctx, p *consolePage, db accountStore, v *accountView) error {
	s := session(c)
	tok, _ := c.Locals(localToken).(string)
	now := h.now()
	return db.EachSession(c.UserContext(), s.Staff.ID, tok, func(id int64, created, seen time.Time, address, agent string, current bool) {
		row := sessionRow{ID: id, Created: created.UTC().Format("2006-01-02 15:04 UTC"), Address: address, Agent: agent, Current: current}
		if !seen.IsZero() {
			row.LastSeen = ago(p.T, now, seen)
		}
		v.Sessions = append(v.Sessions, row)
		if !current {
			v.Others++
		}
	})
}

// revokeSession serves POST /console/account/sessions/:id/revoke: one of
// the user's own sessions ends at once (its next request finds no session).
func (h *console) revokeSession(c *fiber.Ctx) error {
	db, _ := h.accountDB()
	s := session(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return h.accountError(c, fiber.StatusNotFound, "console.error.bad_form")
	}
	err = db.RevokeSession(c.UserContext(), s.Staff, s.Staff.ID, id)
	switch hotline.ErrorCode(err) {
	case "":
	case hotline.ENOTFOUND:
		return h.accountError(c, fiber.StatusNotFound, "console.error.bad_form")
	default:
		return err
	}
	// Ending the session in use is logging out.
	tok, _ := c.Locals(localToken).(string)
	if cur, _, _, err := db.SessionState(c.UserContext(), tok); err != nil || cur == id {
		h.setCookie(c, sessionCookie, "", -time.Hour)
		return c.Redirect("/console/login", fiber.StatusSeeOther)
	}
	return c.Redirect("/console/account?ok=revoked#sessions-h", fiber.StatusSeeOther)
}

// revokeOtherSessions serves POST /console/account/sessions/revoke-others.
func (h *console) revokeOtherSessions(c *fiber.Ctx) error {
	db, _ := h.accountDB()
	s := session(c)
	tok, _ := c.Locals(localToken).(string)
	if _, err := db.RevokeOtherSessions(c.UserContext(), s.Staff, s.Staff.ID, tok); err != nil {
		return err
	}
	return c.Redirect("/console/account?ok=revoked_others#sessions-h", fiber.StatusSeeOther)
}

// revokeAllSessions serves POST /console/admin/users/:id/revoke-sessions:
// an administrator ends every session of an account that may be in the
// wrong hands, without disabling it.
func (a *admin) revokeAllSessions(c *fiber.Ctx) error {
	db, _ := a.h.accountDB()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return a.h.fail(c, session(c), fiber.StatusNotFound, "console.error.bad_form")
	}
	_, err = db.RevokeAllSessions(c.UserContext(), session(c).Staff, id)
	switch hotline.ErrorCode(err) {
	case "":
	case hotline.ENOTFOUND:
		return a.h.fail(c, session(c), fiber.StatusNotFound, "console.error.bad_form")
	default:
		return err
	}
	if id == session(c).Staff.ID {
		return c.Redirect("/console/login", fiber.StatusSeeOther)
	}
	return a.show(c, fiber.StatusOK, func(_ *adminView, p *consolePage) { p.Flash = p.T("account.admin.revoked") })
}

// registerAccountSecurity adds the routes of the account's security.
func (h *console) registerAccountSecurity(g fiber.Router) {
	if _, ok := h.accountDB(); !ok {
		return
	}
	forms := []fiber.Handler{h.auth, h.checkCSRF}
	g.Post("/account/sessions/revoke-others", append(forms, h.revokeOtherSessions)...)
	g.Post("/account/sessions/:id/revoke", append(forms, h.revokeSession)...)
	if db, ok := h.db.(adminStore); ok {
		a := &admin{h: h, db: db}
		g.Post("/admin/users/:id/revoke-sessions", append(forms, h.adminOnly, a.revokeAllSessions)...)
	}
	h.registerTOTP(g)
}
