package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// responderStore is what the API needs to serve a responder: their
// organisation, and what each hand-off to it shares.
type responderStore interface {
	StaffByID(ctx context.Context, id int64) (hotline.Staff, error)
	Queue(ctx context.Context, f hotline.CaseFilter) (hotline.CasePage, error)
	CaseDetail(ctx context.Context, id int64) (*hotline.Case, error)
	SharedWith(ctx context.Context, orgID int64, caseIDs []int64) (map[int64][]string, error)
}

const localStaff = "staff"

// responderCase is a case as a responder's organisation may see it: the
// reference, status and urgency always; everything else only when a
// hand-off to the organisation shares it. It is a type of its own, not a
// hotline.Case with fields blanked, so that a field added to Case later
// does not reach responders unless someone adds it here.
type responderCase struct {
	ID           int64             `json:"id"`
	Ref          string            `json:"ref"`
	Status       string            `json:"status"`
	Urgency      hotline.Urgency   `json:"urgency"`
	HandoffState string            `json:"handoff_state,omitempty"`
	UpdatedAt    time.Time         `json:"updated_at"`
	Shared       []string          `json:"shared"`
	Location     *hotline.Location `json:"location,omitempty"`
	Reasons      []hotline.Reason  `json:"reasons,omitempty"`
	Entities     []hotline.Entity  `json:"entities,omitempty"`
	Contact      string            `json:"contact,omitempty"`
	Messages     []hotline.Message `json:"messages,omitempty"`
}

type responderPage struct {
	Cases      []responderCase `json:"cases"`
	NextCursor string          `json:"next_cursor"`
}

// forResponder copies what shared allows out of c.
func forResponder(c hotline.Case, shared []string) responderCase {
	out := responderCase{
		ID: c.ID, Ref: c.Ref, Status: c.Status, Urgency: c.Urgency,
		HandoffState: c.HandoffState, UpdatedAt: c.UpdatedAt, Shared: shared,
	}
	if out.Shared == nil {
		out.Shared = []string{}
	}
	has := map[string]bool{}
	for _, f := range shared {
		has[f] = true
	}
	if has[hotline.ShareLocation] {
		loc := c.Location
		out.Location = &loc
	}
	if has[hotline.ShareReasons] {
		out.Reasons = c.Reasons
	}
	if has[hotline.ShareEntities] {
		out.Entities = c.Entities
	}
	if has[hotline.ShareContact] {
		out.Contact = c.Contact
	}
	if has[hotline.ShareMessages] {
		for _, m := range c.Messages {
			// A message's own triage and point would tell what the
			// hand-off may have kept back (reasons, entities, location).
			m.Triage = nil
			if !has[hotline.ShareLocation] {
				m.Lat, m.Lon = nil, nil
			}
			out.Messages = append(out.Messages, m)
		}
	}
	return out
}

// responderCaseList answers GET /api/v1/cases for a responder: the cases
// handed to their organisation, in queue order, each with what its
// hand-offs share.
func (s *Server) responderCaseList(c *fiber.Ctx, db responderStore, st hotline.Staff) error {
	f, err := caseFilterFrom(c)
	if err != nil {
		return err
	}
	f.HandedTo = st.OrganisationID
	if f.HandedTo == 0 {
		f.HandedTo = -1 // no organisation: nothing is handed to them
	}
	ctx := c.UserContext()
	page, err := db.Queue(ctx, f)
	if err != nil {
		return err
	}
	ids := make([]int64, len(page.Cases))
	for i, cs := range page.Cases {
		ids[i] = cs.ID
	}
	shared, err := db.SharedWith(ctx, st.OrganisationID, ids)
	if err != nil {
		return err
	}
	out := responderPage{Cases: make([]responderCase, 0, len(page.Cases)), NextCursor: page.NextCursor}
	for _, cs := range page.Cases {
		fields, ok := shared[cs.ID]
		if !ok {
			continue // cannot happen with HandedTo; never show it if it does
		}
		out.Cases = append(out.Cases, forResponder(cs, fields))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// responderCaseGet answers GET /api/v1/cases/{id} for a responder. A case
// not handed to their organisation is 403 whether or not it exists, as on
// the console, so that ids cannot be probed.
func (s *Server) responderCaseGet(c *fiber.Ctx, db responderStore, st hotline.Staff, id int64) error {
	ctx := c.UserContext()
	shared, err := db.SharedWith(ctx, st.OrganisationID, []int64{id})
	if err != nil {
		return err
	}
	fields, ok := shared[id]
	if !ok {
		return c.Status(fiber.StatusForbidden).JSON(fiber.Map{"error": "this case is not handed to your organisation"})
	}
	cs, err := db.CaseDetail(ctx, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(forResponder(*cs, fields))
}
