package server

import (
	"github.com/gofiber/fiber/v2"

	"hotline"
)

// removeResponder serves POST /console/admin/responders/:rid/remove. A
// contact that was ever notified stays, off duty, so the record of who was
// told remains whole.
func (h *console) removeResponder(c *fiber.Ctx) error {
	id, ok := routingID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.hoStore().RemoveResponder(c.UserContext(), session(c).Staff.Name, id); err != nil {
		if hotline.ErrorCode(err) == hotline.ENOTFOUND {
			return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
		}
		return h.routingFailed(c, "responders", err, nil)
	}
	return routingDone(c, "responder")
}
