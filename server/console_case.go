package server

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/locales"
)

type caseView struct {
	hotline.Case
	// Responder is the limited view: only what the hand-offs share.
	Responder    bool
	Share        map[string]bool
	Timeline     []timelineItem
	Handoffs     []hotline.Handoff
	Audit        []auditRow
	Map          *mapView
	MapLink      string
	Coords       string
	NextStatuses []string
	Resolutions  []string
	Urgencies    []string
	Assignable   []hotline.Staff
	Orgs         []hotline.Organisation
	ShareFields  []string
	Canned       []cannedReply
	CanAck       bool

	// The reply box.
	ReplyBody      string
	NeedsOverride  bool
	OverrideReason string
	DoNotContact   bool
	WindowOpen     bool
	WindowLeft     int // minutes
	ErrorAt        string
}

type timelineItem struct {
	Kind   string // in, out, note, event
	At     time.Time
	AtText string
	Who    string
	Body   string
	Status string
}

type auditRow struct {
	AtText, Actor, Action, Detail string
}

type cannedReply struct {
	ID, Label, Text string
}

// cannedIDs are the replies staff send most, in the case's language.
var cannedIDs = []string{"ask_location", "ask_safe", "reference", "help_arranged", "stop"}

// caseGet serves GET /console/cases/:id.
func (h *console) caseGet(c *fiber.Ctx) error {
	id, ok := caseID(c)
	if !ok {
		return h.fail(c, session(c), fiber.StatusNotFound, "console.error.not_found")
	}
	return h.showCase(c, id, fiber.StatusOK, nil)
}

// mayOpen says whether the session's user may see case id: staff all,
// responders only cases handed to their organisation.
func (h *console) mayOpen(c *fiber.Ctx, s *hotline.Session, id int64) (bool, error) {
	if s.Staff.Role != hotline.RoleResponder {
		return true, nil
	}
	if s.Staff.OrganisationID == 0 {
		return false, nil
	}
	return h.db.HandedTo(c.UserContext(), id, s.Staff.OrganisationID)
}

// showCase renders the case page; edit, when not nil, carries a failed
// form's state and error back to the page.
func (h *console) showCase(c *fiber.Ctx, id int64, status int, edit func(v *caseView, p *consolePage)) error {
	s := session(c)
	ctx := c.UserContext()
	ok, err := h.mayOpen(c, s, id)
	if err != nil {
		return err
	}
	if !ok {
		return h.fail(c, s, fiber.StatusForbidden, "console.error.forbidden")
	}
	cs, err := h.db.CaseDetail(ctx, id)
	if err != nil {
		if hotline.ErrorCode(err) == hotline.ENOTFOUND {
			return h.fail(c, s, fiber.StatusNotFound, "console.error.not_found")
		}
		return err
	}
	p := h.page(c, s, "console.case.title")
	p.Title = p.T("console.case.title") + " " + cs.Ref
	handoffs, err := h.db.Handoffs(ctx, id)
	if err != nil {
		return err
	}
	v := &caseView{Case: *cs, Share: map[string]bool{}}
	now := h.now()
	when := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
	if s.Staff.Role == hotline.RoleResponder {
		v.Responder = true
		for _, ho := range handoffs {
			if ho.OrganisationID != s.Staff.OrganisationID {
				continue
			}
			v.Handoffs = append(v.Handoffs, ho)
			for _, f := range ho.Shared {
				v.Share[f] = true
			}
			if ho.AcknowledgedAt == nil {
				v.CanAck = true
			}
		}
		// Withhold what was not shared, so that a template mistake cannot show it.
		if !v.Share[hotline.ShareContact] {
			v.Contact = ""
		}
		if !v.Share[hotline.ShareLocation] {
			v.Location = hotline.Location{}
		}
		if !v.Share[hotline.ShareReasons] {
			v.Reasons = nil
		}
		if !v.Share[hotline.ShareEntities] {
			v.Entities = nil
		}
		if !v.Share[hotline.ShareMessages] {
			v.Messages = nil
		}
		v.Assignee = ""
	} else {
		v.Handoffs = handoffs
		for _, f := range hotline.ShareFields {
			v.Share[f] = true
		}
	}
	for _, m := range v.Messages {
		kind := "in"
		if m.Direction == hotline.DirOut {
			kind = "out"
		}
		v.Timeline = append(v.Timeline, timelineItem{Kind: kind, At: m.CreatedAt, AtText: when(m.CreatedAt), Body: m.Body, Status: m.Status})
	}
	if !v.Responder {
		notes, err := h.db.Notes(ctx, id)
		if err != nil {
			return err
		}
		for _, n := range notes {
			v.Timeline = append(v.Timeline, timelineItem{Kind: "note", At: n.CreatedAt, AtText: when(n.CreatedAt), Who: n.Author, Body: n.Body})
		}
		events, err := h.db.CaseAudit(ctx, id)
		if err != nil {
			return err
		}
		for _, e := range events {
			d := auditDetail(e)
			v.Audit = append(v.Audit, auditRow{AtText: when(e.At), Actor: e.Actor, Action: e.Action, Detail: d})
			if timelineEvents[e.Action] {
				v.Timeline = append(v.Timeline, timelineItem{Kind: "event", At: e.At, AtText: when(e.At), Who: e.Actor,
					Body: p.T("console.event."+strings.TrimPrefix(e.Action, "case.")) + " " + d})
			}
		}
		sort.SliceStable(v.Timeline, func(i, j int) bool { return v.Timeline[i].At.Before(v.Timeline[j].At) })
		v.NextStatuses = hotline.NextStatuses(cs.Status)
		v.Resolutions = hotline.Resolutions
		v.Urgencies = []string{"critical", "high", "medium", "low"}
		v.ShareFields = hotline.ShareFields
		people, err := h.db.ListStaff(ctx)
		if err != nil {
			return err
		}
		for _, u := range realAccounts(people) {
			if u.Role != hotline.RoleResponder {
				v.Assignable = append(v.Assignable, u)
			}
		}
		if v.Orgs, err = h.db.Organisations(ctx); err != nil {
			return err
		}
		dnc, last, err := h.db.ContactState(ctx, id)
		if err != nil {
			return err
		}
		v.DoNotContact = dnc
		if left := last.Add(h.window).Sub(now); !last.IsZero() && left > 0 {
			v.WindowOpen, v.WindowLeft = true, int(left.Minutes())+1
		}
		replyLang := cs.Lang
		if !locales.IsSupported(replyLang) {
			replyLang = locales.Fallback
		}
		for _, cid := range cannedIDs {
			v.Canned = append(v.Canned, cannedReply{
				ID:    cid,
				Label: p.T("console.canned." + cid),
				Text:  locales.T(replyLang, "canned."+cid, map[string]any{"Ref": cs.Ref}),
			})
			// ?canned=ID is the ready reply's own button without
			// JavaScript: it fills the box, and staff still read and send.
			if c.Query("canned") == cid {
				v.ReplyBody = v.Canned[len(v.Canned)-1].Text
			}
		}
	}
	if loc := v.Location; loc.Lat != nil && loc.Lon != nil {
		v.Coords = fmt.Sprintf("%.5f, %.5f", *loc.Lat, *loc.Lon)
		v.MapLink = fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=15/%.5f/%.5f", *loc.Lat, *loc.Lon, *loc.Lat, *loc.Lon)
	}
	v.Map = mapFor(v.Location)
	h.handoffSection(c, v, p)
	if edit != nil {
		edit(v, p)
	}
	p.Case = v
	return h.render(c, status, "case", p)
}

// timelineEvents are the audit actions worth a line in the conversation.
var timelineEvents = map[string]bool{
	"case.assigned": true, "case.status": true, "case.urgency_override": true, "case.handed_off": true,
	"case.handoff_acknowledged": true, "case.merged": true, "case.merged_into": true, "case.reply_queued": false,
}

// auditDetail writes an event's detail as key=value pairs in a stable order.
func auditDetail(e hotline.AuditEvent) string {
	keys := make([]string, 0, len(e.Detail))
	for k := range e.Detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, e.Detail[k]))
	}
	return strings.Join(parts, " ")
}

// done answers a successful action by sending the browser back to the case
// (post/redirect/get, so a reload does not repeat the action).
func (h *console) done(c *fiber.Ctx, id int64, flash string) error {
	return c.Redirect(fmt.Sprintf("/console/cases/%d?done=%s", id, flash), fiber.StatusSeeOther)
}

// actionFailed shows the case again with what went wrong.
func (h *console) actionFailed(c *fiber.Ctx, id int64, err error, at string, edit func(v *caseView)) error {
	code := hotline.ErrorCode(err)
	if code == hotline.EINTERNAL {
		return err
	}
	return h.showCase(c, id, statusFor(code), func(v *caseView, p *consolePage) {
		p.Error = p.T("console.error.action") + " " + hotline.ErrorMessage(err)
		v.ErrorAt = at
		if edit != nil {
			edit(v)
		}
	})
}
