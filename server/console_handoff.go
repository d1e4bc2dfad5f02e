package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/handoff"
)

// handoffStore is what the hand-off parts of the console need: routing
// proposals, packets, escalation timers, responder updates, consent, and
// the responders and routing rules admins manage. The SQLite store
// implements it; the console finds it on its store, so Deps stays as it is.
type handoffStore interface {
	EscalationTimers(ctx context.Context, caseIDs []int64) (map[int64]hotline.HandoffTimer, error)
	Route(ctx context.Context, caseID int64) ([]hotline.Organisation, error)
	PacketSource(ctx context.Context, caseID int64) (hotline.NotificationSource, error)
	SetConsent(ctx context.Context, actor hotline.Staff, caseID int64, on bool) error
	ResponderUpdate(ctx context.Context, actor hotline.Staff, caseID int64, kind, note string) error

	Responders(ctx context.Context, orgID int64) ([]hotline.Responder, error)
	AddResponder(ctx context.Context, actor string, org string, r hotline.Responder) (hotline.Responder, error)
	SetOnDuty(ctx context.Context, actor string, id int64, on bool) error
	RemoveResponder(ctx context.Context, actor string, id int64) error
	Routes(ctx context.Context) ([]hotline.RoutingRule, error)
	AddRoute(ctx context.Context, actor, org string, r hotline.RoutingRule) (hotline.RoutingRule, error)
	DeleteRoute(ctx context.Context, actor string, id int64) error
}

func init() {
	for _, f := range []string{"consent", "update", "responder", "route", "family"} {
		flashIDs[f] = true
	}
}

// registerHandoff adds the hand-off routes when the store supports them.
func (h *console) registerHandoff(g fiber.Router) {
	if h.hoStore() == nil {
		return
	}
	staff := []fiber.Handler{h.auth, h.checkCSRF, h.staffOnly}
	g.Post("/cases/:id/consent", append(staff, h.consent)...)
	g.Post("/cases/:id/update", h.auth, h.checkCSRF, h.responderOnly, h.responderUpdate)
	if h.familyStore() != nil {
		g.Post("/cases/:id/family", append(staff, h.familyConsent)...)
		g.Post("/cases/:id/family/send", append(staff, h.familySend)...)
	}
	admin := []fiber.Handler{h.auth, h.checkCSRF, h.adminOnly}
	g.Get("/admin/routing", h.auth, h.adminOnly, h.routingPage)
	g.Post("/admin/responders", append(admin, h.addResponder)...)
	g.Post("/admin/responders/:rid/duty", append(admin, h.responderDuty)...)
	g.Post("/admin/responders/:rid/remove", append(admin, h.removeResponder)...)
	g.Post("/admin/routes", append(admin, h.addRoute)...)
	g.Post("/admin/routes/:rid/remove", append(admin, h.removeRoute)...)
}

// hoStore is the console's store as a handoffStore, nil without one.
func (h *console) hoStore() handoffStore {
	db, _ := h.db.(handoffStore)
	return db
}

// responderOnly lets responders through: updates report on work their
// organisation does.
func (h *console) responderOnly(c *fiber.Ctx) error {
	if session(c).Staff.Role != hotline.RoleResponder {
		return h.fail(c, session(c), fiber.StatusForbidden, "console.error.forbidden")
	}
	return c.Next()
}

// handoffView is the case page's hand-off section: the packet as the
// responder gets it, the police checklist, the routing proposal, the
// consent switch for staff and the update form for responders.
type handoffView struct {
	CaseID    int64
	Checklist []handoff.Item
	Missing   int
	// TextEN is the packet in English; TextLocal in the responder's
	// language (with the English after it), empty when that is English.
	TextEN, TextLocal string
	LocalLang         string
	Org               string // whose packet it is: the hand-off's or the proposal's organisation
	Proposed          []hotline.Organisation
	Critical          bool
	Consent           bool
	Staff, Responder  bool
	Updates           []string
	Timer             string
	// Family: a family report, whose reporter may ask for coarse status;
	// FamilyText is what they would be sent now.
	Family, FamilyConsent bool
	FamilyText            string
}

// handoffSection fills the section for the case page; it is quiet when
// the store lacks the parts, so the page never fails for it.
func (h *console) handoffSection(c *fiber.Ctx, v *caseView, p *consolePage) {
	ho := h.hoStore()
	if ho == nil {
		return
	}
	if v.Responder && len(v.Handoffs) == 0 {
		return // nothing handed over, nothing to show
	}
	ctx := c.UserContext()
	src, err := ho.PacketSource(ctx, v.ID)
	if err != nil {
		h.s.log.Error("console: packet source", "case", v.ID, "err", err)
		return
	}
	hv := &handoffView{CaseID: v.ID, Consent: src.Consent, Staff: !v.Responder, Responder: v.Responder,
		Critical: v.Urgency >= hotline.Critical}
	// The packet a hand-off would send: the newest hand-off's (for a
	// responder, their organisation's, which v.Handoffs holds), else what
	// a hand-off to the proposed organisation would share by default.
	last := hotline.Handoff{Shared: []string{hotline.ShareLocation, hotline.ShareReasons, hotline.ShareEntities, hotline.ShareContact}}
	if n := len(v.Handoffs); n > 0 {
		last = v.Handoffs[n-1]
	}
	if !v.Responder {
		if hv.Proposed, err = ho.Route(ctx, v.ID); err != nil {
			h.s.log.Error("console: route", "case", v.ID, "err", err)
		}
	}
	orgID := last.OrganisationID
	hv.Org = last.Organisation
	if orgID == 0 && len(hv.Proposed) > 0 {
		orgID, hv.Org = hv.Proposed[0].ID, hv.Proposed[0].Name
	}
	dnc := v.DoNotContact
	if v.Responder {
		dnc, _, _ = h.db.ContactState(ctx, v.ID)
	}
	pk := handoff.Build(handoff.Input{Case: src.Case, Name: src.Name, Handoff: last, Consent: src.Consent, DoNotContact: dnc})
	hv.Checklist = pk.Checklist
	for _, it := range pk.Checklist {
		if !it.Present {
			hv.Missing++
		}
	}
	hv.TextEN = pk.Text("en")
	if orgID > 0 {
		rs, err := ho.Responders(ctx, orgID)
		if err == nil {
			for _, r := range rs {
				if r.OnDuty && r.Lang != "" && r.Lang != "en" {
					hv.LocalLang, hv.TextLocal = r.Lang, pk.Text(r.Lang)
					break
				}
			}
		}
	}
	if v.Responder {
		hv.Updates = hotline.UpdateKinds
	} else if timers, err := ho.EscalationTimers(ctx, []int64{v.ID}); err == nil {
		if t, ok := timers[v.ID]; ok {
			hv.Timer = escalationText(p, h.now(), t)
		}
	}
	if fs := h.familyStore(); fs != nil && !v.Responder && v.Reporter == hotline.ReporterFamily {
		if consent, status, err := fs.FamilyStatus(ctx, v.ID); err == nil {
			hv.Family, hv.FamilyConsent, hv.FamilyText = true, consent, familyText(v.Lang, status, v.Ref)
		}
	}
	p.Handoff = hv
}

// escalationText says when a pending critical hand-off escalates, or that
// it has, in the console's language.
func escalationText(p *consolePage, now time.Time, t hotline.HandoffTimer) string {
	left := t.EscalateAt.Sub(now)
	mins := int((left + time.Minute - 1) / time.Minute)
	switch {
	case left <= 0:
		return p.T("console.escalation.due")
	case t.Level > 0:
		return p.TM("console.escalation.again_in", mins)
	}
	return p.TM("console.escalation.in", mins)
}

// queueTimers sets the escalation timer on the rows with a pending
// hand-off, with one query for the whole page.
func (h *console) queueTimers(ctx context.Context, p *consolePage, rows []queueRow) error {
	ho := h.hoStore()
	if ho == nil {
		return nil
	}
	var ids []int64
	for _, r := range rows {
		if r.HandoffState == hotline.HandoffPending {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	timers, err := ho.EscalationTimers(ctx, ids)
	if err != nil {
		return err
	}
	now := h.now()
	for i := range rows {
		if t, ok := timers[rows[i].ID]; ok {
			rows[i].Escalation = escalationText(p, now, t)
		}
	}
	return nil
}
