package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hotline"
)

// entityStore is the entity index the task-force pages read and staff
// correct. The SQLite store implements it; the console finds it on its
// store, so that Deps stays as it is.
type entityStore interface {
	CaseEntities(ctx context.Context, caseID int64, sc hotline.Scope) ([]hotline.CaseEntity, error)
	EntityCases(ctx context.Context, id int64, sc hotline.Scope) (hotline.IndexedEntity, []hotline.EntityCase, error)
	SetEntityState(ctx context.Context, actor hotline.Staff, entityID, caseID int64, state string) error
	AddEntity(ctx context.Context, actor hotline.Staff, caseID int64, kind, value string) (int64, error)
}

// caseLinksView is the case page's "appears in other cases" section.
type caseLinksView struct {
	CaseID int64
	Items  []hotline.CaseEntity
	// Linked counts the entities that appear in at least one other case.
	Linked int
	Kinds  []string
	Staff  bool
}

// scopeOf is what of other cases the session may see: staff everything,
// a responder only cases handed to their organisation with entities shared;
// ok is false for a responder without an organisation, who sees nothing.
func scopeOf(s *hotline.Session) (sc hotline.Scope, ok bool) {
	if s.Staff.Role == hotline.RoleResponder {
		return hotline.Scope{Org: s.Staff.OrganisationID}, s.Staff.OrganisationID > 0
	}
	return hotline.Scope{}, true
}

// caseWithLinks serves GET /console/cases/:id: the case page, with the
// entity links section filled once the page has checked access.
func (h *console) caseWithLinks(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	es, ok := h.db.(entityStore)
	if !ok {
		return h.showCase(c, id, fiber.StatusOK, nil)
	}
	s := session(c)
	return h.showCase(c, id, fiber.StatusOK, func(v *caseView, p *consolePage) {
		p.Links = h.caseLinks(c.UserContext(), es, s, v, p)
		p.SamePerson = h.samePerson(c, s, v)
		p.Evidence = h.caseEvidence(c.UserContext(), v, p)
	})
}

// caseLinks builds the section; nil hides it. A responder gets it only when
// a hand-off shares the case's entities, and places only with its location.
func (h *console) caseLinks(ctx context.Context, es entityStore, s *hotline.Session, v *caseView, p *consolePage) *caseLinksView {
	if v.Responder && !v.Share[hotline.ShareEntities] {
		return nil
	}
	sc, ok := scopeOf(s)
	if !ok {
		return nil
	}
	list, err := es.CaseEntities(ctx, v.ID, sc)
	if err != nil {
		h.s.log.Error("case entity links", "case", v.ID, "err", err)
		p.Error = p.T("console.links.unavailable")
		return nil
	}
	out := &caseLinksView{CaseID: v.ID, Staff: !v.Responder}
	for _, e := range list {
		if v.Responder && (e.State == hotline.EntityRejected || e.Kind == hotline.KindPlace && !v.Share[hotline.ShareLocation]) {
			continue
		}
		if len(e.Others) > 0 {
			out.Linked++
		}
		out.Items = append(out.Items, e)
	}
	if out.Staff {
		out.Kinds = hotline.EntityKinds
	}
	return out
}

// entityState serves POST /console/cases/:id/entities/:eid: staff confirm
// or reject that an entity belongs to a case.
func (h *console) entityState(c *fiber.Ctx) error {
	id, ok := caseID(c)
	eid, err := strconv.ParseInt(c.Params("eid"), 10, 64)
	es, isES := h.db.(entityStore)
	if !ok || err != nil || !isES {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if err := es.SetEntityState(c.UserContext(), session(c).Staff, eid, id, c.FormValue("state")); err != nil {
		return h.actionFailed(c, id, err, "links", nil)
	}
	return c.Redirect("/console/cases/"+strconv.FormatInt(id, 10)+"#links", fiber.StatusSeeOther)
}

// entityAdd serves POST /console/cases/:id/entities: staff add an entity
// the triage missed.
func (h *console) entityAdd(c *fiber.Ctx) error {
	id, ok := caseID(c)
	es, isES := h.db.(entityStore)
	if !ok || !isES {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	if _, err := es.AddEntity(c.UserContext(), session(c).Staff, id, c.FormValue("kind"), c.FormValue("value")); err != nil {
		return h.actionFailed(c, id, err, "links", nil)
	}
	return c.Redirect("/console/cases/"+strconv.FormatInt(id, 10)+"#links", fiber.StatusSeeOther)
}
