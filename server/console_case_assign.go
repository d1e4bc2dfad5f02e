package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// assign serves POST /console/cases/:id/assign: "claim" takes the case for
// oneself, otherwise assignee names a user id (empty to unassign).
func (h *console) assign(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	me := session(c).Staff
	var to int64
	if c.FormValue("claim") != "" {
		to = me.ID
	} else if a := c.FormValue("assignee"); a != "" {
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil || v < 1 {
			return h.fail(c, session(c), fiber.StatusBadRequest, "console.error.bad_form")
		}
		to = v
	}
	if err := h.db.AssignCase(c.UserContext(), me, id, to); err != nil {
		return h.actionFailed(c, id, err, "assign", nil)
	}
	return h.done(c, id, "assigned")
}
