package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// addResponder serves POST /console/admin/responders: a new way to reach
// an organisation's duty officer or desk. The store checks the address
// fits the channel, so a typo shows now and not during a rescue.
func (h *console) addResponder(c *fiber.Ctx) error {
	pos, _ := strconv.Atoi(c.FormValue("position"))
	r := hotline.Responder{
		Name: strings.TrimSpace(c.FormValue("name")), Channel: hotline.Channel(c.FormValue("channel")),
		Address: strings.TrimSpace(c.FormValue("address")), Secret: c.FormValue("secret"),
		Lang: c.FormValue("lang"), OnDuty: c.FormValue("on_duty") == "1", Position: pos,
	}
	org := strings.TrimSpace(c.FormValue("organisation"))
	if org == "" {
		return h.routingFailed(c, "responder", hotline.Errorf(hotline.EINVALID, "choose an organisation"), func(v *routingView) { v.Responder = r })
	}
	if _, err := h.hoStore().AddResponder(c.UserContext(), session(c).Staff.Name, org, r); err != nil {
		return h.routingFailed(c, "responder", err, func(v *routingView) {
			r.Secret = "" // never sent back to the browser
			v.Responder, v.Responder.Organisation = r, org
		})
	}
	return routingDone(c, "responder")
}
