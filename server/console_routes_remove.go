package server

import (
	"github.com/gofiber/fiber/v2"

	"hotline"
)

// removeRoute serves POST /console/admin/routes/:rid/remove.
func (h *console) removeRoute(c *fiber.Ctx) error {
	id, ok := routingID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.hoStore().DeleteRoute(c.UserContext(), session(c).Staff.Name, id); err != nil {
		if hotline.ErrorCode(err) == hotline.ENOTFOUND {
			return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
		}
		return h.routingFailed(c, "routes", err, nil)
	}
	return routingDone(c, "route")
}
