package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// handoff serves POST /console/cases/:id/handoff: the case goes to an
// organisation, which then sees the fields ticked in "share".
func (h *console) handoff(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	org, _ := strconv.ParseInt(c.FormValue("organisation"), 10, 64)
	var shared []string
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "share" {
			shared = append(shared, string(v))
		}
	})
	if _, err := h.db.HandOff(c.UserContext(), session(c).Staff, id, org, shared, c.FormValue("note")); err != nil {
		return h.actionFailed(c, id, err, "handoff", nil)
	}
	return h.done(c, id, "handoff")
}

// acknowledge serves POST /console/cases/:id/ack: a responder confirms
// their organisation has the case.
func (h *console) acknowledge(c *fiber.Ctx) error {
	s := session(c)
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
	}
	if s.Staff.Role != hotline.RoleResponder {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	if ok, err := h.mayOpen(c, s, id); err != nil {
		return err
	} else if !ok {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	if err := h.db.AcknowledgeHandoffs(c.UserContext(), s.Staff, id); err != nil {
		return h.actionFailed(c, id, err, "ack", nil)
	}
	return h.done(c, id, "ack")
}
