package server

import (
	"github.com/gofiber/fiber/v2"

	"hotline"
)

// responderDuty serves POST /console/admin/responders/:rid/duty: on=1 puts
// the contact on duty (notified at once), anything else takes it off.
func (h *console) responderDuty(c *fiber.Ctx) error {
	id, ok := routingID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.hoStore().SetOnDuty(c.UserContext(), session(c).Staff.Name, id, c.FormValue("on") == "1"); err != nil {
		if hotline.ErrorCode(err) == hotline.ENOTFOUND {
			return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
		}
		return h.routingFailed(c, "responders", err, nil)
	}
	return routingDone(c, "responder")
}
