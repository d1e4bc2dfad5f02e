package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// addRoute serves POST /console/admin/routes: cases matching nationality,
// language, province, urgency and reporter go to an organisation. Empty
// fields match anything; position orders the organisations of a case
// (the first is notified, the next is where escalation goes).
func (h *console) addRoute(c *fiber.Ctx) error {
	pos, _ := strconv.Atoi(c.FormValue("position"))
	r := hotline.RoutingRule{
		Position: pos, Nationality: strings.TrimSpace(c.FormValue("nationality")), Lang: c.FormValue("lang"),
		Province: strings.TrimSpace(c.FormValue("province")), Reporter: c.FormValue("reporter"),
	}
	var err error
	if u := c.FormValue("min_urgency"); u != "" {
		if r.MinUrgency, err = hotline.ParseUrgency(u); err != nil {
			err = hotline.Errorf(hotline.EINVALID, "unknown urgency")
		}
	}
	org := strings.TrimSpace(c.FormValue("organisation"))
	if err == nil && org == "" {
		err = hotline.Errorf(hotline.EINVALID, "choose an organisation")
	}
	if err == nil {
		_, err = h.hoStore().AddRoute(c.UserContext(), session(c).Staff.Name, org, r)
	}
	if err != nil {
		return h.routingFailed(c, "route", err, func(v *routingView) { v.Rule, v.Rule.Organisation = r, org })
	}
	return routingDone(c, "route")
}
