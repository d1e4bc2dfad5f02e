package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// merge serves POST /console/cases/:id/merge: the case named in "other" (a
// reference or an id) is folded into this one.
func (h *console) merge(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	other, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("other")), 10, 64)
	if err != nil || other < 1 {
		return h.actionFailed(c, id, hotline.Errorf(hotline.EINVALID, "give the number of the other case"), "merge", nil)
	}
	if err := h.db.MergeCases(c.UserContext(), session(c).Staff, id, other); err != nil {
		return h.actionFailed(c, id, err, "merge", nil)
	}
	return h.done(c, id, "merged")
}
