package server

import (
	"github.com/gofiber/fiber/v2"

	"hotline"
)

// status serves POST /console/cases/:id/status: a step of the workflow;
// resolving takes a resolution kind and a reason.
func (h *console) status(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	err := h.db.SetStatus(c.UserContext(), session(c).Staff, id, c.FormValue("status"), c.FormValue("resolution"), c.FormValue("reason"))
	if err != nil {
		return h.actionFailed(c, id, err, "status", nil)
	}
	return h.done(c, id, "status")
}

// urgency serves POST /console/cases/:id/urgency: a hand-set urgency with
// its required reason.
func (h *console) urgency(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	u, err := hotline.ParseUrgency(c.FormValue("urgency"))
	if err == nil {
		err = h.db.OverrideUrgency(c.UserContext(), session(c).Staff, id, u, c.FormValue("reason"))
	} else {
		err = hotline.Errorf(hotline.EINVALID, "choose an urgency")
	}
	if err != nil {
		return h.actionFailed(c, id, err, "urgency", nil)
	}
	return h.done(c, id, "urgency")
}
