package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// routingView is the admin page of responder contacts and routing rules.
type routingView struct {
	Responders []hotline.Responder
	Rules      []hotline.RoutingRule
	Orgs       []hotline.Organisation
	Channels   []string
	Langs      []string
	Urgencies  []string
	Reporters  []string
	// Responder and Rule keep what was typed when a form failed; ErrorAt
	// names the form ("responder" or "route").
	Responder hotline.Responder
	Rule      hotline.RoutingRule
	ErrorAt   string
}

// routingPage serves GET /console/admin/routing.
func (h *console) routingPage(c *fiber.Ctx) error {
	return h.showRouting(c, fiber.StatusOK, nil)
}

// showRouting renders the page; edit, when not nil, fills in a failed
// form's state.
func (h *console) showRouting(c *fiber.Ctx, status int, edit func(v *routingView, p *consolePage)) error {
	s := session(c)
	ctx := c.UserContext()
	ho := h.hoStore()
	p := h.page(c, s, "console.routing.title")
	v := &routingView{
		Channels:  []string{string(hotline.SMS), string(hotline.WhatsApp), string(hotline.Email), string(hotline.Webhook)},
		Langs:     []string{"en", "ko", "km"},
		Urgencies: []string{"critical", "high", "medium", "low"},
		Reporters: []string{string(hotline.ReporterSelf), string(hotline.ReporterFamily), string(hotline.ReporterOther)},
		Responder: hotline.Responder{OnDuty: true, Lang: "en"},
	}
	var err error
	if v.Responders, err = ho.Responders(ctx, 0); err != nil {
		return err
	}
	if v.Rules, err = ho.Routes(ctx); err != nil {
		return err
	}
	if v.Orgs, err = h.db.Organisations(ctx); err != nil {
		return err
	}
	if edit != nil {
		edit(v, p)
	}
	p.Routing = v
	return h.render(c, status, "routing", p)
}

// routingFailed shows the page again with the error next to its form.
func (h *console) routingFailed(c *fiber.Ctx, at string, err error, edit func(v *routingView)) error {
	code := hotline.ErrorCode(err)
	if code == hotline.EINTERNAL {
		return err
	}
	return h.showRouting(c, statusFor(code), func(v *routingView, p *consolePage) {
		p.Error = p.T("console.error.action") + " " + hotline.ErrorMessage(err)
		v.ErrorAt = at
		if edit != nil {
			edit(v)
		}
	})
}

// routingID reads the :rid of a responder or rule route.
func routingID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("rid"), 10, 64)
	return id, err == nil && id > 0
}

func routingDone(c *fiber.Ctx, flash string) error {
	return c.Redirect("/console/admin/routing?done="+flash, fiber.StatusSeeOther)
}
