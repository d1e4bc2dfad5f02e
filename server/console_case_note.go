package server

import "github.com/gofiber/fiber/v2"

// note serves POST /console/cases/:id/note: an internal note, never sent.
func (h *console) note(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := h.db.AddNote(c.UserContext(), session(c).Staff, id, c.FormValue("body")); err != nil {
		return h.actionFailed(c, id, err, "note", nil)
	}
	return h.done(c, id, "note")
}
