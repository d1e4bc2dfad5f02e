package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// caseFilterFrom reads the queue's query parameters. Bad values are a 400
// that names the parameter, never an empty list that looks like "no cases".
func caseFilterFrom(c *fiber.Ctx) (hotline.CaseFilter, error) {
	f := hotline.CaseFilter{
		Status:   c.Query("status"),
		Province: c.Query("province"),
		Lang:     c.Query("lang"),
		Cursor:   c.Query("cursor"),
	}
	switch f.Status {
	case "", hotline.StatusOpen, hotline.StatusNew, hotline.StatusInProgress, hotline.StatusHandedOff, hotline.StatusResolved, hotline.StatusClosed:
	default:
		return f, hotline.Errorf(hotline.EINVALID, "status must be one of open, new, in_progress, handed_off, resolved, closed")
	}
	if u := c.Query("urgency"); u != "" {
		v, err := hotline.ParseUrgency(u)
		if err != nil {
			return f, hotline.Errorf(hotline.EINVALID, "urgency must be one of low, medium, high, critical")
		}
		f.Urgency = v
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return f, hotline.Errorf(hotline.EINVALID, "limit must be a whole number from 1 to 500")
		}
		f.Limit = n
	}
	return f, nil
}

// handleAPICaseList answers GET /api/v1/cases in queue order.
func (s *Server) handleAPICaseList(c *fiber.Ctx) error {
	if st, ok := c.Locals(localStaff).(hotline.Staff); ok {
		return s.responderCaseList(c, s.deps.Cases.(responderStore), st)
	}
	f, err := caseFilterFrom(c)
	if err != nil {
		return err
	}
	page, err := s.deps.Cases.ListCases(c.UserContext(), f)
	if err != nil {
		return err
	}
	if page.Cases == nil {
		page.Cases = []hotline.Case{}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(page)
}

// handleAPICaseGet answers GET /api/v1/cases/{id} with the messages.
func (s *Server) handleAPICaseGet(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return hotline.Errorf(hotline.ENOTFOUND, "no such case")
	}
	if st, ok := c.Locals(localStaff).(hotline.Staff); ok {
		return s.responderCaseGet(c, s.deps.Cases.(responderStore), st, id)
	}
	cs, err := s.deps.Cases.GetCase(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(cs)
}
