package server

import (
	"net/url"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"

	"hotline"
	"hotline/triage/geo"
)

type queueView struct {
	Rows       []queueRow
	Counts     []urgencyCount
	Filter     queueFilter
	Provinces  []string
	Channels   []string
	Statuses   []string
	Urgencies  []string
	Languages  []string
	NextURL    string
	RefreshURL string
}

type queueFilter struct {
	Status, Urgency, Province, Lang, Channel string
	Mine, Unassigned                         bool
}

type urgencyCount struct {
	Urgency string
	N       int
	URL     string
}

type queueRow struct {
	hotline.Case
	TopReason  string
	Ago        string
	WaitingISO string // WaitingSince for <time datetime>
	// Escalation is the timer of a pending critical hand-off: "escalates
	// in 6 min", "escalated" (console_handoff.go).
	Escalation string
}

// queue serves GET /console: the open cases, worst and longest waiting first.
// Every filter is a query parameter, so a reload or a shared link shows
// the same queue.
func (h *console) queue(c *fiber.Ctx) error {
	s := session(c)
	p := h.page(c, s, "console.queue.title")
	qf := queueFilter{
		Urgency: c.Query("urgency"), Province: c.Query("province"),
		Lang: c.Query("lang"), Channel: c.Query("channel"),
		Mine: c.Query("mine") == "1", Unassigned: c.Query("unassigned") == "1",
	}
	f, err := caseFilterFrom(c)
	if err != nil {
		p.Error = p.T("console.queue.bad_filter")
		return h.render(c, fiber.StatusBadRequest, "error", p)
	}
	// No status parameter means open cases; an empty one means every case.
	if !c.Context().QueryArgs().Has("status") {
		f.Status = hotline.StatusOpen
	}
	qf.Status = f.Status
	f.Channel = qf.Channel
	if qf.Mine {
		f.AssignedTo = s.Staff.ID
	}
	f.Unassigned = qf.Unassigned
	if s.Staff.Role == hotline.RoleResponder {
		f.HandedTo = s.Staff.OrganisationID
		if f.HandedTo == 0 {
			f.HandedTo = -1 // a responder without an organisation sees nothing
		}
	}
	ctx := c.UserContext()
	page, err := h.db.Queue(ctx, f)
	if err != nil {
		return err
	}
	counts, err := h.db.UrgencyCounts(ctx, f)
	if err != nil {
		return err
	}
	v := &queueView{Filter: qf, RefreshURL: c.OriginalURL()}
	now := h.now()
	for _, cs := range page.Cases {
		// The queue's own key: how long the person has waited for an
		// answer; an answered case says so instead of a time.
		r := queueRow{Case: cs, WaitingISO: cs.WaitingSince.UTC().Format("2006-01-02T15:04:05Z")}
		if cs.Waiting {
			r.Ago = ago(p.T, now, cs.WaitingSince)
		} else {
			r.Ago = p.T("console.queue.answered")
		}
		if top := topReason(cs.Reasons); top != nil {
			r.TopReason = top.Signal
			if top.Match != "" {
				r.TopReason += ": " + top.Match
			}
		}
		if s.Staff.Role == hotline.RoleResponder {
			r.Contact = "" // a responder sees the contact only on a hand-off that shares it
		}
		v.Rows = append(v.Rows, r)
	}
	if err := h.queueTimers(ctx, p, v.Rows); err != nil {
		return err
	}
	base := queryWithout(c, "urgency", "cursor")
	for u := hotline.Critical; u >= hotline.Low; u-- {
		q := cloneValues(base)
		q.Set("urgency", u.String())
		v.Counts = append(v.Counts, urgencyCount{Urgency: u.String(), N: counts[u], URL: "/console?" + q.Encode()})
	}
	if page.NextCursor != "" {
		q := queryWithout(c, "cursor")
		q.Set("cursor", page.NextCursor)
		v.NextURL = "/console?" + q.Encode()
	}
	v.Provinces = provinceNames()
	v.Channels = []string{string(hotline.SMS), string(hotline.WhatsApp), string(hotline.Telegram), string(hotline.Web), string(hotline.Voice)}
	v.Statuses = []string{hotline.StatusOpen, hotline.StatusNew, hotline.StatusInProgress, hotline.StatusHandedOff, hotline.StatusResolved, hotline.StatusClosed}
	v.Urgencies = []string{"critical", "high", "medium", "low"}
	v.Languages = []string{"km", "ko", "en"}
	p.Queue = v
	return h.render(c, fiber.StatusOK, "queue", p)
}

// topReason is the reason behind the case's urgency: the first of the
// highest level.
func topReason(rs []hotline.Reason) *hotline.Reason {
	var top *hotline.Reason
	for i := range rs {
		if top == nil || rs[i].Urgency > top.Urgency {
			top = &rs[i]
		}
	}
	return top
}

func queryWithout(c *fiber.Ctx, drop ...string) url.Values {
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	for _, d := range drop {
		q.Del(d)
	}
	return q
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func caseID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	return id, err == nil && id > 0
}

var (
	provincesOnce sync.Once
	provinceList  []string
)

// provinceNames lists the provinces for the filter; geo.Provinces copies
// every boundary, so the names are taken once.
func provinceNames() []string {
	provincesOnce.Do(func() {
		for _, pr := range geo.Provinces() {
			provinceList = append(provinceList, pr.Name)
		}
	})
	return provinceList
}
