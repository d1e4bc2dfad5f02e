package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// reply serves POST /console/cases/:id/reply. The reply is queued for the
// case's channel (the dispatcher sends it); outside the reply window or to
// a do-not-contact contact it is refused unless the form carries an
// override with a reason, and the page comes back with the text kept and
// the override fields shown.
func (h *console) reply(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	body := c.FormValue("body")
	r := hotline.ReplyRequest{
		CaseID: id, Body: body, Window: h.window,
		Override: c.FormValue("override") == "1", OverrideReason: c.FormValue("override_reason"),
	}
	if _, err := h.db.QueueReply(c.UserContext(), session(c).Staff, r); err != nil {
		if errors.Is(err, hotline.ErrOutsideReplyWindow) || errors.Is(err, hotline.ErrDoNotContact) {
			msg := "console.reply.outside_window"
			if errors.Is(err, hotline.ErrDoNotContact) {
				msg = "console.reply.dnc"
			}
			return h.showCase(c, id, fiber.StatusConflict, func(v *caseView, p *consolePage) {
				p.Error = p.T(msg)
				v.ReplyBody, v.NeedsOverride, v.ErrorAt = body, true, "reply"
			})
		}
		return h.actionFailed(c, id, err, "reply", func(v *caseView) {
			v.ReplyBody, v.NeedsOverride, v.OverrideReason = body, r.Override, r.OverrideReason
		})
	}
	h.s.log.Info("console reply queued", "case", id, "override", r.Override)
	return h.done(c, id, "reply")
}
