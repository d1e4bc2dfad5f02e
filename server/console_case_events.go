package server

import (
	"bufio"
	"fmt"
	"slices"
	"time"

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
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	ch := h.hub.subscribe()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer h.hub.unsubscribe(ch)
		fmt.Fprint(w, "retry: 1000\n\n")
		if w.Flush() != nil {
			return
		}
		end := time.NewTimer(streamFor)
		defer end.Stop()
		for {
			select {
			case ids := <-ch:
				if !slices.Contains(ids, id) {
					continue
				}
				fmt.Fprintf(w, "event: case\ndata: %d\n\n", id)
				if w.Flush() != nil {
					return
				}
			case <-end.C:
				return
			}
		}
	})
	return nil
}
