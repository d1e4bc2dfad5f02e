package server

import (
	"github.com/gofiber/fiber/v2"
)

// consent serves POST /console/cases/:id/consent: records whether the
// reporter agreed that hand-off packets carry their number and name.
// Without it the packet leaves both out, whatever a hand-off shares.
func (h *console) consent(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.hoStore().SetConsent(c.UserContext(), session(c).Staff, id, c.FormValue("consent") == "1"); err != nil {
		return h.actionFailed(c, id, err, "consent", nil)
	}
	return h.done(c, id, "consent")
}
