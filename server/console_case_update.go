package server

import (
	"github.com/gofiber/fiber/v2"
)

// responderUpdate serves POST /console/cases/:id/update: a responder
// reports en route, rescued, not found or needs more information. The
// update lands on the case timeline, acknowledges the hand-off, and a
// rescue resolves the case.
func (h *console) responderUpdate(c *fiber.Ctx) error {
	s := session(c)
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
	}
	if ok, err := h.mayOpen(c, s, id); err != nil {
		return err
	} else if !ok {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	if err := h.hoStore().ResponderUpdate(c.UserContext(), s.Staff, id, c.FormValue("kind"), c.FormValue("note")); err != nil {
		return h.actionFailed(c, id, err, "update", nil)
	}
	return h.done(c, id, "update")
}
