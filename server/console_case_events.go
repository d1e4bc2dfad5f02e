package server

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"
)

// caseEvents serves GET /console/cases/:id/events: a text/event-stream
// with a "case" event whenever the case changes (a new message, a reply,
// a note, a status, a hand-off or its acknowledgement: everything that
// moves the case's updated_at). It rides on the live queue's poller, so an
// open case page costs no query of its own, and says only "changed": the
// page fetches itself again with the viewer's own rights.
func (h *console) caseEvents(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	allowed, err := h.mayOpen(c, session(c), id)
	if err != nil {
		return err
	}
	if !allowed {
		return h.fail(c, session(c), fiber.StatusForbidden, "console.error.forbidden")
	}
	return h.stream(c, func(ids []int64) string {
		if !slices.Contains(ids, id) {
			return ""
		}
		return fmt.Sprintf("event: case\ndata: %d\n\n", id)
	})
}
