package server

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/templates"
)

// entityPage is the page of one entity: the cases it appears in over time.
type entityPage struct {
	*consolePage
	Entity *entityView
}

type entityView struct {
	hotline.IndexedEntity
	Cases []hotline.EntityCase
	// Span is the time line: one dot per case at its first sighting.
	Span  *timeSpan
	Staff bool
}

// timeSpan lays dated points on a line 0..W wide for a small SVG.
type timeSpan struct {
	W, H     int
	From, To string
	Dots     []spanDot
}

type spanDot struct {
	X      float64
	CaseID int64
	Ref    string
	At     string
}

func newTimeSpan(cases []hotline.EntityCase) *timeSpan {
	if len(cases) == 0 {
		return nil
	}
	from, to := cases[0].FirstSeen, cases[0].FirstSeen
	for _, c := range cases {
		if c.FirstSeen.Before(from) {
			from = c.FirstSeen
		}
		if c.FirstSeen.After(to) {
			to = c.FirstSeen
		}
	}
	span := to.Sub(from)
	ts := &timeSpan{W: 600, H: 40, From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}
	for _, c := range cases {
		x := 300.0
		if span > 0 {
			x = 20 + 560*float64(c.FirstSeen.Sub(from))/float64(span)
		}
		ts.Dots = append(ts.Dots, spanDot{X: x, CaseID: c.CaseID, Ref: c.Ref, At: c.FirstSeen.Format(time.DateOnly)})
	}
	return ts
}

// entityGet serves GET /console/entities/:id. Responders see the entity
// only through cases handed to their organisation with entities shared,
// and only those cases.
func (h *console) entityGet(c *fiber.Ctx) error {
	s := session(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	es, isES := h.db.(entityStore)
	if err != nil || id <= 0 || !isES {
		return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
	}
	sc, ok := scopeOf(s)
	if !ok {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	e, cases, err := es.EntityCases(c.UserContext(), id, sc)
	if err != nil {
		if hotline.ErrorCode(err) == hotline.ENOTFOUND {
			return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
		}
		return err
	}
	responder := s.Staff.Role == hotline.RoleResponder
	if responder && len(cases) == 0 {
		// Nothing handed to their organisation shares this entity (or,
		// for a place, its location): to them it does not exist.
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	p := h.page(c, s, "console.entity.title")
	p.Title = fmt.Sprintf("%s · %s", p.T("console.entity.title"), e.Label)
	v := &entityView{IndexedEntity: e, Cases: cases, Span: newTimeSpan(cases), Staff: !responder}
	c.Status(fiber.StatusOK)
	c.Type("html", "utf-8")
	return renderPage(c, "entity", &entityPage{consolePage: p, Entity: v})
}

// renderPage renders a console page whose data is not the plain
// consolePage (it embeds it), for the task-force pages.
func renderPage(c *fiber.Ctx, name string, data any) error {
	return templates.RenderConsole(c.Response().BodyWriter(), name, data)
}

// registerTaskForce adds the task-force pages: entity links and pages,
// the overview (staff) and partner exports (administrators).
func (h *console) registerTaskForce(g fiber.Router) {
	staff := []fiber.Handler{h.auth, h.checkCSRF, h.staffOnly}
	g.Get("/entities/:id", h.auth, h.entityGet)
	g.Post("/cases/:id/entities", append(staff, h.entityAdd)...)
	g.Post("/cases/:id/entities/:eid", append(staff, h.entityState)...)
	g.Get("/overview", h.auth, h.staffOnly, h.overview)
	g.Get("/overview/cases", h.auth, h.staffOnly, h.overviewCases)
	g.Get("/export", h.auth, h.adminOnly, h.exportForm)
	g.Post("/export", h.auth, h.checkCSRF, h.adminOnly, h.exportPost)
}
